// A small retry loop for the Capgo client (Octokit has its own plugins for GitHub): bounded
// attempts, exponential backoff with jitter, and the server's Retry-After when it sends one.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  /** Delay before the first retry; doubled for each later one. */
  readonly baseDelayMs: number
  /** A Retry-After longer than this is not waited for: the call fails with the server's answer. */
  readonly maxDelayMs: number
  readonly sleep: (ms: number) => Promise<void>
  /** Told before each wait, so that the log says why the action is pausing. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void
}

export interface RetryDecision {
  readonly retry: boolean
  /** What the server asked for (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number | undefined
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  sleep: defaultSleep,
}

export async function withRetry<T>(
  policy: RetryPolicy,
  classify: (error: unknown) => RetryDecision,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const decision = classify(error)
      if (!decision.retry || attempt >= policy.attempts) throw error
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1)
      const jittered = backoff / 2 + Math.random() * (backoff / 2)
      const delay = decision.retryAfterMs ?? jittered
      if (delay > policy.maxDelayMs) throw error
      policy.onRetry?.(attempt, delay, error)
      await policy.sleep(delay)
    }
  }
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
