import { describe, expect, it } from 'vitest'
import type { CapgoKey, KeyListing } from '../src/capgo-client.js'
import type { PreparedTarget } from '../src/github-secret-store.js'
import { decideDue, nextRotationIfNotDue, type DueInput } from '../src/not-due.js'

// rotate-after-days: whether a run rotates, when the next one is due, and which leftovers a
// skipped run may retire. Pure: a listing and the targets' ages in, a decision out.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const DAY = 86_400_000
const NOW = Date.parse('2026-11-20T10:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

function key(id: number, createdAt: number): CapgoKey {
  return {
    id,
    name: NAME,
    mode: 'upload',
    globalPermissions: [],
    createdAt: iso(createdAt),
    updatedAt: iso(createdAt),
    expiresAt: undefined,
    isManagingKey: false,
  }
}

/** A target updated at this time; null: the secret does not exist; undefined: its age was not read. */
function target(updatedAt: number | null | undefined): PreparedTarget {
  return {
    ref: { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' },
    existing: updatedAt === undefined ? undefined : updatedAt === null ? null : { updatedAt: iso(updatedAt) },
  } as unknown as PreparedTarget
}

const listing = (...keys: CapgoKey[]): KeyListing => ({ generation: 'classic', keys })

function input(overrides: Partial<DueInput>): DueInput {
  return {
    keyName: NAME,
    keepPrevious: 0,
    rotateAfterDays: 30,
    explicit: [],
    listing: listing(key(5, NOW - 10 * DAY)),
    targets: [target(NOW - 9 * DAY)],
    now: new Date(NOW),
    ...overrides,
  }
}

describe('nextRotationIfNotDue', () => {
  it.each([
    ['every target young: due when the oldest turns 30 days', [NOW - 2 * DAY, NOW - 9 * DAY], iso(NOW + 21 * DAY)],
    ['one target old enough: due now', [NOW - 2 * DAY, NOW - 31 * DAY], undefined],
    ['exactly 30 days old: due now', [NOW - 30 * DAY], undefined],
    ['a secret that does not exist: due', [NOW - 2 * DAY, null], undefined],
    ['a secret whose age was not read: due', [undefined], undefined],
  ] as const)('%s', (_, updates, expected) => {
    expect(nextRotationIfNotDue(updates.map(target), 30, new Date(NOW))).toBe(expected)
  })
})

describe('decideDue', () => {
  it.each([
    ['no rotate-after-days: always due', { rotateAfterDays: undefined }, { due: true }],
    ['an old target: due', { targets: [target(NOW - 40 * DAY)] }, { due: true }],
    [
      'young, and the rotation converged: not due',
      {},
      { due: false, nextDueAt: iso(NOW + 21 * DAY), leftovers: { reason: 'no earlier key of this rotation is alive' } },
    ],
    [
      'young, but no key of this rotation is alive: the age alone decides, not due',
      { listing: listing() },
      { due: false, nextDueAt: iso(NOW + 21 * DAY) },
    ],
    [
      'young, but a target was updated before the newest key was issued: due anyway',
      { listing: listing(key(5, NOW - 10 * DAY), key(6, NOW - 5 * DAY)) },
      { due: true, youngButUnconverged: expect.stringContaining('was not updated after key 6 was issued') },
    ],
    [
      'young, but key-id-variable names another key than the newest: due anyway',
      {
        explicit: [{ id: 4, source: 'key-id-variable' as const }],
        listing: listing(key(4, NOW - 20 * DAY), key(5, NOW - 10 * DAY)),
      },
      { due: true, youngButUnconverged: expect.stringContaining('key-id-variable holds 4') },
    ],
  ] as const)('%s', (_, overrides, expected) => {
    expect(decideDue(input(overrides as Partial<DueInput>))).toMatchObject(expected)
  })

  it('on a converged rotation, offers the earlier keys a failed run left alive, but keep-previous of them', () => {
    const keys = listing(key(3, NOW - 40 * DAY), key(4, NOW - 20 * DAY), key(5, NOW - 10 * DAY))
    const decision = decideDue(input({ listing: keys, keepPrevious: 1 }))
    expect(decision.due).toBe(false)
    if (decision.due || 'reason' in decision.leftovers) throw new Error('expected leftovers')
    expect(decision.leftovers.newest.id).toBe(5)
    expect(decision.leftovers.retire.kept.map((k) => k.id)).toEqual([4])
    expect(decision.leftovers.retire.retired.map((k) => k.id)).toEqual([3])
  })

  it('skips a run within the clock tolerance, but retires leftovers only on strict proof', () => {
    // The target was written 1 s after key 5 by Capgo's clock; GitHub's clock runs 5 s behind.
    const keys = listing(key(4, NOW - 20 * DAY), key(5, NOW - 10 * DAY))
    const decision = decideDue(input({ listing: keys, targets: [target(NOW - 10 * DAY + 1000 - 5000)] }))
    expect(decision).toMatchObject({
      due: false,
      leftovers: { reason: expect.stringContaining('was not updated after key 5') },
    })
  })
})
