// GitHub's rate-limit rules (docs/github-secrets.md, "Limits and retries"), without queues: a
// request goes out at once unless a rule says to wait, so the usual run sets no timer at all.

import { isOctokitFailure } from './github-errors.js'

/** A rate-limit wait longer than this fails the run instead of stalling it. */
export const MAX_WAIT_SECONDS = 120
/** Waits for one request, of every kind together; a further limit fails it. */
export const MAX_LIMIT_RETRIES = 2
/** GitHub's documented secondary limit for content-writing requests. */
export const WRITES_PER_MINUTE = 80
const WINDOW_MS = 60_000
// GitHub: with no retry-after and no reset to go by, wait at least a minute.
const FALLBACK_WAIT_SECONDS = 60

export type LimitKind = 'rate limit' | 'secondary rate limit' | 'retry-after'

export interface LimitWait {
  readonly kind: LimitKind
  readonly seconds: number
}

/**
 * What a failed attempt asks to wait for, or undefined when it is no rate limit (or a wait it
 * names is unreadable). Every header is the server's text: only a number or an HTTP date counts.
 * - the primary limit, 403/429 with x-ratelimit-remaining 0: until x-ratelimit-reset, plus 1 s
 *   (GitHub resets at that second, not before it), or retry-after if that is later;
 * - a secondary limit, 403/429 saying so or carrying retry-after: retry-after, else 60 s;
 * - a plain 503 with retry-after: that long (plugin-retry's own backoff ignores the header).
 */
export function limitWait(error: unknown, nowMs: number): LimitWait | undefined {
  if (!isOctokitFailure(error)) return undefined
  const { status, message, response } = error
  const headers = response?.headers ?? {}
  const header = (name: string) =>
    headers[name] === undefined || headers[name] === null ? null : String(headers[name])
  const retryAfter = retryAfterSeconds(header('retry-after'), nowMs)

  if (status === 503) return retryAfter === undefined ? undefined : { kind: 'retry-after', seconds: retryAfter }
  if (status !== 403 && status !== 429) return undefined

  if (header('x-ratelimit-remaining')?.trim() === '0') {
    const reset = Number(header('x-ratelimit-reset'))
    const untilReset =
      Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - nowMs / 1000)) + 1 : undefined
    const seconds = Math.max(untilReset ?? 0, retryAfter ?? 0)
    return {
      kind: 'rate limit',
      seconds: untilReset === undefined && retryAfter === undefined ? FALLBACK_WAIT_SECONDS : seconds,
    }
  }
  if (/\bsecondary rate\b/i.test(message)) {
    return { kind: 'secondary rate limit', seconds: retryAfter ?? FALLBACK_WAIT_SECONDS }
  }
  // A bare 429 or 403 with retry-after: GitHub's secondary limits answer this way too.
  return retryAfter === undefined ? undefined : { kind: 'retry-after', seconds: retryAfter }
}

// Strict, unlike Date.parse (which reads "-5" as the year 2001): whole seconds, or an IMF-fixdate.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

function retryAfterSeconds(value: string | null, nowMs: number): number | undefined {
  const text = value?.trim() ?? ''
  if (/^\d{1,12}$/.test(text)) return Number(text)
  if (!IMF_FIXDATE.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000))
}

/** POST, PUT, PATCH and DELETE: what GitHub counts as content-writing. */
export function isWrite(method: string): boolean {
  return /^(POST|PUT|PATCH|DELETE)$/i.test(method)
}

/**
 * A sliding window over the last minute's writes. take() returns at once (no timer, no queue)
 * while fewer than `limit` writes went out in the window; otherwise it sleeps until the oldest
 * leaves it and checks again. Every attempt counts, retries included: each reaches GitHub.
 */
export class WriteWindow {
  // Send times, oldest first; never longer than `limit`.
  private readonly sent: number[] = []

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    readonly limit = WRITES_PER_MINUTE,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Takes a slot; `onWait` is told before every wait, with its length in milliseconds. */
  async take(onWait: (ms: number) => void): Promise<void> {
    for (;;) {
      const now = this.now()
      while (this.sent.length > 0 && this.sent[0]! <= now - this.windowMs) this.sent.shift()
      if (this.sent.length < this.limit) {
        this.sent.push(now)
        return
      }
      const wait = this.sent[0]! + this.windowMs - now
      onWait(wait)
      await this.sleep(wait)
    }
  }
}
