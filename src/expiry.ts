// When a key must still be alive for the secrets that hold it, and how a key's expiry is checked
// against that. A secret never receives a key that is dead, or that dies before a next run could
// replace it (docs/contract.md, "What must always hold").

export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * The soonest a next run can be counted on to replace the key: rotate-after-days when set (a run
 * before then skips), else a day (the most common schedule is daily or weekly).
 */
export function minimumLifetimeMs(rotateAfterDays: number | undefined): number {
  return (rotateAfterDays ?? 1) * DAY_MS
}

/** 'expired', 'too-soon' (dies before the next run could replace it), or undefined when fine or unknown. */
export function expiryProblem(
  expiresAt: string | undefined | null,
  now: Date,
  minimumLifetime: number,
): 'expired' | 'too-soon' | undefined {
  if (!expiresAt) return undefined
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) return undefined
  if (at <= now.getTime()) return 'expired'
  return at < now.getTime() + minimumLifetime ? 'too-soon' : undefined
}

/**
 * The two clocks a key's expiry meets: the runner's, and Capgo's (the Date of its answers; Capgo's
 * database stamps and checks expires_at). Either may be wrong, say a front end with a broken clock,
 * so a new expiry counts from the earlier of the two (no key outlives expires-in-days by either
 * clock) and a key is judged at the later (a key dead, or dying, by either clock is).
 */
export interface ExpiryClock {
  issueFrom(): Date
  judgeAt(): Date
  /** Capgo's clock minus the runner's; 0 until Capgo answered. */
  skewMs(): number
}

/** A disagreement between the clocks past which a failure names it as the cause. */
export const CLOCK_SKEW_WORTH_NAMING_MS = 60 * 60 * 1000

export function expiryClock(runner: () => Date, capgo: () => Date | undefined): ExpiryClock {
  const both = (): [number, number] => {
    const own = runner().getTime()
    return [own, capgo()?.getTime() ?? own]
  }
  return {
    issueFrom: () => new Date(Math.min(...both())),
    judgeAt: () => new Date(Math.max(...both())),
    skewMs: () => {
      const [own, theirs] = both()
      return theirs - own
    },
  }
}

/** expires-in-days as the expires_at to send, or undefined for a key that does not expire. */
export function newExpiry(expiresInDays: number | undefined, now: Date): string | undefined {
  return expiresInDays ? new Date(now.getTime() + expiresInDays * DAY_MS).toISOString() : undefined
}

/**
 * Before any key is issued: the expiry expires-in-days would send (counted from the earlier clock)
 * already fails at the later one when the clocks disagree by more than the key's lifetime. Issued
 * anyway, the key would be refused on arrival, after a regenerate had already killed the old value.
 */
export function plannedExpiryProblem(
  expiresInDays: number | undefined,
  rotateAfterDays: number | undefined,
  clock: ExpiryClock,
): { readonly expiresAt: string; readonly problem: 'expired' | 'too-soon' } | undefined {
  const expiresAt = newExpiry(expiresInDays, clock.issueFrom())
  if (!expiresAt) return undefined
  const problem = expiryProblem(expiresAt, clock.judgeAt(), minimumLifetimeMs(rotateAfterDays))
  return problem ? { expiresAt, problem } : undefined
}
