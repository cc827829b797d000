import { describe, expect, it } from 'vitest'
import {
  DAY_MS,
  expiryClock,
  expiryProblem,
  minimumLifetimeMs,
  newExpiry,
  plannedExpiryProblem,
} from '../src/expiry.js'

const NOW = new Date('2026-11-28T12:00:00.000Z')
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString()

describe('expiry', () => {
  it('needs a key to outlive the soonest next run: rotate-after-days, else a day', () => {
    expect(minimumLifetimeMs(undefined)).toBe(DAY_MS)
    expect(minimumLifetimeMs(7)).toBe(7 * DAY_MS)
  })

  it.each([
    ['no expiry', null, DAY_MS, undefined],
    ['unparsable', 'soon', DAY_MS, undefined],
    ['expired a second ago', at(-1000), DAY_MS, 'expired'],
    ['expires right now', at(0), DAY_MS, 'expired'],
    ['dies before tomorrow', at(DAY_MS - 1000), DAY_MS, 'too-soon'],
    ['outlives tomorrow', at(DAY_MS + 1000), DAY_MS, undefined],
    ['dies before the weekly rotation', at(6 * DAY_MS), 7 * DAY_MS, 'too-soon'],
  ] as const)('%s', (_, expiresAt, lifetime, expected) => {
    expect(expiryProblem(expiresAt, NOW, lifetime)).toBe(expected)
  })

  it('turns expires-in-days into expires_at', () => {
    expect(newExpiry(undefined, NOW)).toBeUndefined()
    expect(newExpiry(30, NOW)).toBe('2026-12-28T12:00:00.000Z')
  })

  // Either clock may be wrong (a front end with a broken Date): a new expiry never outlives
  // expires-in-days by either, and a key dead by either is dead.
  it.each([
    ['Capgo has not answered yet', undefined, 0, 0],
    ['Capgo 3 days ahead', 3 * DAY_MS, 0, 3 * DAY_MS],
    ['Capgo 2 hours behind', -2 * 3600_000, -2 * 3600_000, 0],
    [
      'Capgo in 2100',
      Date.parse('2100-01-01T00:00:00Z') - NOW.getTime(),
      0,
      Date.parse('2100-01-01T00:00:00Z') - NOW.getTime(),
    ],
  ])('with %s, issues from the earlier clock and judges at the later', (_, capgoOffset, issueOffset, judgeOffset) => {
    const clock = expiryClock(
      () => NOW,
      () => (capgoOffset === undefined ? undefined : new Date(NOW.getTime() + capgoOffset)),
    )
    expect(clock.issueFrom().toISOString()).toBe(at(issueOffset))
    expect(clock.judgeAt().toISOString()).toBe(at(judgeOffset))
    // The key expires-in-days 30 yields from this clock never lives past 30 days by the runner's clock...
    const expires = newExpiry(30, clock.issueFrom())!
    expect(Date.parse(expires)).toBeLessThanOrEqual(NOW.getTime() + 30 * DAY_MS)
    // ...and one that is dead by Capgo's clock is judged dead.
    if (capgoOffset !== undefined && capgoOffset > 30 * DAY_MS)
      expect(expiryProblem(expires, clock.judgeAt(), DAY_MS)).toBe('expired')
  })

  // Refused before any key is issued: a regenerate cannot be undone once the key comes back dead.
  it.each([
    ['clocks agree', 0, 30, undefined, undefined],
    ['Capgo 3 days behind, 30 days asked', -3 * DAY_MS, 30, undefined, undefined],
    ['Capgo a year behind', -365 * DAY_MS, 30, undefined, 'expired'],
    ['Capgo 29.5 days behind, 30 days asked', -29.5 * DAY_MS, 30, undefined, 'too-soon'],
    ['Capgo 20 days behind, 30 days asked, weekly rotation', -20 * DAY_MS, 30, 7, undefined],
    ['Capgo 25 days behind, 30 days asked, weekly rotation', -25 * DAY_MS, 30, 7, 'too-soon'],
    ['Capgo a year ahead', 365 * DAY_MS, 30, undefined, 'expired'],
    ['no expires-in-days', -365 * DAY_MS, undefined, undefined, undefined],
  ] as const)('%s: %s', (_, skew, days, rotateAfter, expected) => {
    const clock = expiryClock(
      () => NOW,
      () => new Date(NOW.getTime() + skew),
    )
    expect(plannedExpiryProblem(days, rotateAfter, clock)?.problem).toBe(expected)
  })
})
