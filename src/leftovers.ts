import type { CapgoKey, KeyListing } from './capgo-client.js'
import type { PreparedTarget } from './github-secret-store.js'
import { describeTarget } from './targets.js'
import { findPreviousKeys, type ExplicitId, type PreviousKeys } from './previous-keys.js'

// rotate-after-days: a run that is not due by age is a no-op only when the rotation has converged:
// every target provably holds the newest key of the rotation, its secret updated after that key
// was issued (created or regenerated). Otherwise (targets split by a partial write, a value a
// regenerate killed, key-id-variable naming another key) the run rotates, or the rotation would
// stay unconverged until the next due date (docs/contract.md: a re-run converges). When it has
// converged, earlier keys a failed run left alive (a delete that failed) are retired.
// Timestamps are GitHub's and Capgo's, compared in whole seconds, as GitHub keeps them. Proof
// from timestamps needs writers kept apart: the lease (src/lease.ts). Pure decisions here.

export type Convergence =
  | { readonly converged: true; readonly newest: CapgoKey; readonly all: readonly CapgoKey[] }
  | { readonly converged: false; readonly reason: string }
  /** No key of this rotation is known: nothing to converge on, so the age alone decides. */
  | { readonly converged: undefined; readonly reason: string }

export type Leftovers = { readonly retire: PreviousKeys; readonly newest: CapgoKey } | { readonly reason: string }

/**
 * GitHub's and Capgo's clocks may disagree by a little: deciding whether a run is due tolerates
 * this much, so that a converged rotation is not rotated again on every run. Retiring leftovers
 * (a delete) never does: there, only strict proof counts.
 */
export const CROSS_CLOCK_TOLERANCE_MS = 30_000

/** Whether every target provably holds the rotation's newest key: the last one issued. */
export function checkConvergence(
  keyName: string,
  explicit: readonly ExplicitId[],
  listing: KeyListing,
  targets: readonly PreparedTarget[],
  toleranceMs = 0,
): Convergence {
  const all = findPreviousKeys(keyName, explicit, 0, listing).replaced
  if (all.length === 0) return { converged: undefined, reason: 'no key of this rotation is alive' }
  // Regenerating moves updated_at, not created_at: the newest is the one issued last.
  const newest = [...all].sort((a, b) => issuedAt(b) - issuedAt(a) || b.id - a.id)[0]!
  if (newest.name !== keyName || !newest.createdAt) {
    return {
      converged: false,
      reason: `the newest key of this rotation cannot be told (key ${newest.id} has no creation time or another name)`,
    }
  }
  // key-id-variable names the key the secrets hold: it must be the newest.
  const remembered = explicit.find((e) => e.source === 'key-id-variable')
  if (remembered && remembered.id !== newest.id) {
    return {
      converged: false,
      reason: `key-id-variable holds ${remembered.id}, but the key of '${keyName}' issued last is ${newest.id}`,
    }
  }
  const issued = issuedAt(newest)
  for (const target of targets) {
    const updated = target.existing?.updatedAt ? Date.parse(target.existing.updatedAt) : Number.NaN
    if (Number.isNaN(updated) || Math.floor((updated + toleranceMs) / 1000) < Math.floor(issued / 1000)) {
      return {
        converged: false,
        reason: `${describeTarget(target.ref)} was not updated after key ${newest.id} was issued, so it may hold an earlier key or a dead value`,
      }
    }
  }
  return { converged: true, newest, all }
}

/** On a converged rotation, the earlier keys to retire (all but keep-previous of them). */
export function findLeftovers(keepPrevious: number, convergence: Convergence): Leftovers {
  if (!convergence.converged) return { reason: convergence.reason }
  const { newest, all } = convergence
  const earlier = all.filter((k) => k.id !== newest.id)
  if (earlier.length === 0) return { reason: 'no earlier key of this rotation is alive' }
  return {
    newest,
    retire: {
      replaced: earlier,
      kept: earlier.slice(0, keepPrevious),
      retired: earlier.slice(keepPrevious),
      notes: [],
    },
  }
}

function issuedAt(key: CapgoKey): number {
  const created = key.createdAt ? Date.parse(key.createdAt) : Number.NaN
  const updated = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN
  return Math.max(
    Number.isNaN(created) ? Number.NEGATIVE_INFINITY : created,
    Number.isNaN(updated) ? Number.NEGATIVE_INFINITY : updated,
  )
}
