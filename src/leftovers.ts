import type { CapgoKey, KeyListing } from './capgo-client.js'
import { describeTarget, type PreparedTarget } from './github-targets.js'
import { findPreviousKeys, type ExplicitId, type PreviousKeys } from './previous-keys.js'

// rotate-after-days: a run that is not due still retires earlier keys a failed run left alive
// (a delete that failed, say), or they would live until the next due date. Only when every target
// provably holds the newest key of the rotation: its secret was updated after that key was
// created (or regenerated). Timestamps are GitHub's and Capgo's, compared in whole seconds, as
// GitHub keeps them. Pure decision here; the deletes are the rotation's.

export type Leftovers = { readonly retire: PreviousKeys; readonly newest: CapgoKey } | { readonly reason: string }

export function findLeftovers(
  keyName: string,
  explicit: readonly ExplicitId[],
  keepPrevious: number,
  listing: KeyListing,
  targets: readonly PreparedTarget[],
): Leftovers {
  const all = findPreviousKeys(keyName, explicit, 0, listing).replaced
  const newest = all[0]
  if (!newest || all.length <= 1) return { reason: 'no earlier key of this rotation is alive' }
  if (newest.name !== keyName || !newest.createdAt) return { reason: `the newest key of this rotation cannot be told (key ${newest.id} has no creation time or another name)` }
  // key-id-variable names the key the secrets hold: it must be the newest, or the state is not ours to judge.
  const remembered = explicit.find((e) => e.source === 'key-id-variable')
  if (remembered && remembered.id !== newest.id) {
    return { reason: `key-id-variable holds ${remembered.id}, but the newest key named '${keyName}' is ${newest.id}` }
  }
  const issued = Math.max(Date.parse(newest.createdAt), newest.updatedAt ? Date.parse(newest.updatedAt) || 0 : 0)
  for (const target of targets) {
    const updated = target.existing?.updatedAt ? Date.parse(target.existing.updatedAt) : Number.NaN
    if (Number.isNaN(updated) || Math.floor(updated / 1000) < Math.floor(issued / 1000)) {
      return { reason: `${describeTarget(target.ref)} was not updated after key ${newest.id} was issued, so it may hold an earlier key` }
    }
  }
  const earlier = all.slice(1)
  return { newest, retire: { replaced: earlier, kept: earlier.slice(0, keepPrevious), retired: earlier.slice(keepPrevious), notes: [] } }
}
