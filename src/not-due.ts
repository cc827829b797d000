import type { KeyListing } from './capgo-client.js'
import { DAY_MS } from './expiry.js'
import type { PreparedTarget } from './github-secret-store.js'
import { checkConvergence, CROSS_CLOCK_TOLERANCE_MS, findLeftovers, type Leftovers } from './leftovers.js'
import type { ExplicitId } from './previous-keys.js'

// rotate-after-days: whether this run rotates. Young secrets skip the run only when the rotation
// has converged (leftovers.ts); else it is due. Due or not: within the two services' clock
// tolerance. Leftovers to retire on a skipped run: by strict proof only. Pure decisions here.

export type DueDecision =
  /** `youngButUnconverged`: every target is young, but the rotation has not converged (why). */
  | { readonly due: true; readonly youngButUnconverged?: string }
  | { readonly due: false; readonly nextDueAt: string; readonly leftovers: Leftovers }

export interface DueInput {
  readonly keyName: string
  readonly keepPrevious: number
  readonly rotateAfterDays: number | undefined
  readonly explicit: readonly ExplicitId[]
  readonly listing: KeyListing
  readonly targets: readonly PreparedTarget[]
  readonly now: Date
}

export function decideDue(input: DueInput): DueDecision {
  const { keyName, explicit, listing, targets } = input
  if (input.rotateAfterDays === undefined) return { due: true }
  const nextDueAt = nextRotationIfNotDue(targets, input.rotateAfterDays, input.now)
  if (!nextDueAt) return { due: true }
  const convergence = checkConvergence(keyName, explicit, listing, targets, CROSS_CLOCK_TOLERANCE_MS)
  if (convergence.converged === false) return { due: true, youngButUnconverged: convergence.reason }
  const strict = checkConvergence(keyName, explicit, listing, targets)
  return { due: false, nextDueAt, leftovers: findLeftovers(input.keepPrevious, strict) }
}

/** When every target is younger than the threshold, the time the oldest one comes due; else undefined. */
export function nextRotationIfNotDue(
  targets: readonly Pick<PreparedTarget, 'existing'>[],
  days: number,
  now: Date,
): string | undefined {
  let oldest = Number.POSITIVE_INFINITY
  for (const { existing } of targets) {
    const updated = existing?.updatedAt ? Date.parse(existing.updatedAt) : Number.NaN
    // A missing secret, or one whose age is unknown, is due.
    if (Number.isNaN(updated)) return undefined
    oldest = Math.min(oldest, updated)
  }
  const due = oldest + days * DAY_MS
  return due > now.getTime() ? new Date(due).toISOString() : undefined
}
