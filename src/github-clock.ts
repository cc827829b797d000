// GitHub's clock as seen from the runner. Secret timestamps (updated_at) are GitHub's; the runner's
// clock may be off by any amount. Each answer's Date header (whole seconds, truncated) was made
// between the request's departure and the answer's arrival, which bounds GitHub's clock minus the
// runner's: offset in (date - arrival, date + 1 s - departure). Local times are monotonic.

export const localNow = (): number => performance.timeOrigin + performance.now()

export interface TimeWindow {
  /** GitHub's time was after this... */
  readonly earliest: number
  /** ...and before this. */
  readonly latest: number
}

export class GitHubClock {
  private low = Number.NEGATIVE_INFINITY
  private high = Number.POSITIVE_INFINITY

  /** Feeds one answer's Date header, with the local times the request left and the answer came. */
  observe(dateHeader: unknown, sentAt: number, receivedAt: number): void {
    const date = httpDate(dateHeader)
    if (Number.isNaN(date)) return
    const low = date - receivedAt
    const high = date + 1000 - sentAt
    // Answers that disagree with the bounds so far (a cache's stale Date, say) are ignored.
    if (high < this.low || low > this.high) return
    this.low = Math.max(this.low, low)
    this.high = Math.min(this.high, high)
  }

  /** Where GitHub's clock stood at a local time, or undefined before any Date header was seen. */
  at(local: number): TimeWindow | undefined {
    if (!Number.isFinite(this.low) || !Number.isFinite(this.high)) return undefined
    return { earliest: local + this.low, latest: local + this.high }
  }
}

/**
 * An IMF-fixdate ("Sun, 01 Mar 2026 12:00:00 GMT", the form HTTP servers send), else NaN. Date.parse
 * alone takes '1' or 'x 1' as 2001, and a date without a zone as the runner's local time.
 */
function httpDate(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN
  const date = Date.parse(value)
  return !Number.isNaN(date) && new Date(date).toUTCString() === value ? date : Number.NaN
}
