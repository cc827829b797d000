import { describe, expect, it } from 'vitest'
import { DAY_MS, expiryProblem, minimumLifetimeMs, newExpiry } from '../src/expiry.js'

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
})
