import { afterEach, describe, expect, it, vi } from 'vitest'
import { isWrite, limitWait, WriteWindow, WRITES_PER_MINUTE } from '../src/github-rate-limits.js'

// GitHub's rate-limit rules as pure decisions, and the write window on a fake clock.

const NOW = Date.parse('2026-03-01T12:00:00Z')
// As Octokit throws them (a RequestError): an Error with a status and the answer's headers.
const failure = (status: number, headers: Record<string, string>, message = 'Forbidden') =>
  Object.assign(new Error(message), { status, response: { headers } })

describe('limitWait', () => {
  it('waits for the primary limit until x-ratelimit-reset, plus the second GitHub resets at', () => {
    const reset = String(NOW / 1000 + 30)
    expect(
      limitWait(
        failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 'API rate limit exceeded'),
        NOW,
      ),
    ).toEqual({
      kind: 'rate limit',
      seconds: 31,
    })
    expect(limitWait(failure(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), NOW)).toEqual({
      kind: 'rate limit',
      seconds: 31,
    })
    // A reset already past: retry at once (after the 1 s margin).
    expect(
      limitWait(failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }), NOW),
    ).toEqual({
      kind: 'rate limit',
      seconds: 1,
    })
    // retry-after, when later, wins; an unreadable reset falls back to retry-after, then to a minute.
    expect(
      limitWait(failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '45' }), NOW),
    ).toEqual({
      kind: 'rate limit',
      seconds: 45,
    })
    expect(
      limitWait(failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon', 'retry-after': '7' }), NOW),
    ).toEqual({
      kind: 'rate limit',
      seconds: 7,
    })
    expect(limitWait(failure(403, { 'x-ratelimit-remaining': '0' }), NOW)).toEqual({ kind: 'rate limit', seconds: 60 })
  })

  it('reports a reset far off as it is, for the caller to refuse', () => {
    const wait = limitWait(
      failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 3600) }),
      NOW,
    )
    expect(wait).toEqual({ kind: 'rate limit', seconds: 3601 })
  })

  it('waits for a secondary limit as long as retry-after says, else a minute', () => {
    const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
    expect(limitWait(failure(403, { 'retry-after': '5' }, message), NOW)).toEqual({
      kind: 'secondary rate limit',
      seconds: 5,
    })
    expect(limitWait(failure(403, {}, message), NOW)).toEqual({ kind: 'secondary rate limit', seconds: 60 })
    expect(limitWait(failure(429, {}, message), NOW)).toEqual({ kind: 'secondary rate limit', seconds: 60 })
    // An HTTP date is a Retry-After too.
    expect(limitWait(failure(403, { 'retry-after': new Date(NOW + 20_000).toUTCString() }, message), NOW)).toEqual({
      kind: 'secondary rate limit',
      seconds: 20,
    })
  })

  it('honours a bare retry-after on 403, 429 and 503', () => {
    for (const status of [403, 429, 503])
      expect(limitWait(failure(status, { 'retry-after': '2' }), NOW)).toEqual({ kind: 'retry-after', seconds: 2 })
  })

  it('is no rate limit without GitHub saying so', () => {
    expect(limitWait(failure(403, {}, 'Resource not accessible by integration'), NOW)).toBeUndefined()
    expect(limitWait(failure(403, { 'x-ratelimit-remaining': '4999' }, 'Must have admin rights'), NOW)).toBeUndefined()
    expect(limitWait(failure(429, {}), NOW)).toBeUndefined()
    expect(limitWait(failure(503, {}), NOW)).toBeUndefined()
    expect(limitWait(failure(500, { 'retry-after': '1' }), NOW)).toBeUndefined()
    expect(
      limitWait(failure(422, { 'retry-after': '1', 'x-ratelimit-remaining': '0' }, 'secondary rate limit'), NOW),
    ).toBeUndefined()
    expect(limitWait(new Error('socket hang up'), NOW)).toBeUndefined()
    expect(limitWait(undefined, NOW)).toBeUndefined()
  })

  it('reads hostile headers as numbers or not at all', () => {
    // Neither a number nor a date: ignored, so a bare 429 is no wait and a secondary limit waits a minute.
    expect(limitWait(failure(429, { 'retry-after': '1; rm -rf /' }), NOW)).toBeUndefined()
    expect(limitWait(failure(403, { 'retry-after': '-5' }, 'secondary rate limit'), NOW)).toEqual({
      kind: 'secondary rate limit',
      seconds: 60,
    })
    expect(limitWait(failure(403, { 'retry-after': '1e400' }, 'secondary rate limit'), NOW)).toEqual({
      kind: 'secondary rate limit',
      seconds: 60,
    })
    expect(limitWait(failure(403, { 'retry-after': '2.5' }, 'secondary rate limit'), NOW)).toEqual({
      kind: 'secondary rate limit',
      seconds: 60,
    })
    // Absurdly long is passed on as such: MAX_WAIT_SECONDS refuses it.
    expect(limitWait(failure(429, { 'retry-after': '99999999' }), NOW)?.seconds).toBe(99_999_999)
    expect(limitWait(failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '-1' }), NOW)).toEqual({
      kind: 'rate limit',
      seconds: 60,
    })
  })
})

describe('isWrite', () => {
  it('counts what GitHub counts as content-writing', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'put']) expect(isWrite(method)).toBe(true)
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUTS']) expect(isWrite(method)).toBe(false)
  })
})

describe('WriteWindow', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets 80 writes a minute through at once, setting no timer', async () => {
    vi.useFakeTimers()
    const window = new WriteWindow(Date.now, (ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    const waits: number[] = []
    // Resolved without advancing the fake clock: no setTimeout, no queue.
    await Promise.all(Array.from({ length: WRITES_PER_MINUTE }, () => window.take((ms) => waits.push(ms))))
    expect(vi.getTimerCount()).toBe(0)
    expect(waits).toEqual([])
  })

  it('holds the 81st write until the oldest leaves the minute, then lets it go', async () => {
    vi.useFakeTimers()
    const window = new WriteWindow(Date.now, (ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    const waits: number[] = []
    const onWait = (ms: number) => waits.push(ms)
    await window.take(onWait)
    vi.advanceTimersByTime(10_000)
    for (let i = 1; i < WRITES_PER_MINUTE; i++) await window.take(onWait)

    let done = false
    const held = window.take(onWait).then(() => (done = true))
    await vi.advanceTimersByTimeAsync(0)
    expect(waits).toEqual([50_000])
    await vi.advanceTimersByTimeAsync(49_999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await held
    // The next one waits for the second-oldest (sent at +10 s, so free at +70 s): a sliding window.
    waits.length = 0
    const next = window.take(onWait)
    await vi.advanceTimersByTimeAsync(0)
    expect(waits).toEqual([10_000])
    await vi.advanceTimersByTimeAsync(10_000)
    await next
  })

  it('never lets more than the limit through in any window, even to writers waiting together', async () => {
    vi.useFakeTimers()
    const window = new WriteWindow(Date.now, (ms) => new Promise((resolve) => setTimeout(resolve, ms)), 3, 1000)
    const sent: number[] = []
    const all = Promise.all(Array.from({ length: 10 }, () => window.take(() => {}).then(() => sent.push(Date.now()))))
    await vi.runAllTimersAsync()
    await all
    expect(sent).toHaveLength(10)
    for (const t of sent) expect(sent.filter((s) => s > t - 1000 && s <= t).length).toBeLessThanOrEqual(3)
    // And no slower than the limit allows: 10 writes at 3 a second take 3 s.
    expect(Math.max(...sent) - Math.min(...sent)).toBe(3000)
  })
})
