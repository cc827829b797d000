import { describe, expect, it } from 'vitest'
import type { CapgoKey, KeyListing } from '../src/capgo-client.js'
import type { PreparedTarget } from '../src/github-secret-store.js'
import { checkConvergence, CROSS_CLOCK_TOLERANCE_MS, findLeftovers } from '../src/leftovers.js'

// rotate-after-days' pure decisions: has the rotation converged (every target updated after the
// key issued last), and which earlier keys a run that is not due may retire.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const T = Date.parse('2026-11-20T10:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

function key(id: number, createdAt: number, updatedAt = createdAt): CapgoKey {
  return {
    id,
    name: NAME,
    mode: 'upload',
    globalPermissions: [],
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
    expiresAt: undefined,
    isManagingKey: false,
  }
}
function target(updatedAt: number | undefined): PreparedTarget {
  return {
    ref: { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' },
    existing: updatedAt === undefined ? null : { updatedAt: iso(updatedAt) },
  } as unknown as PreparedTarget
}
const listing = (...keys: CapgoKey[]): KeyListing => ({ generation: 'classic', keys })

describe('checkConvergence', () => {
  it.each([
    ['every target updated after the newest key', [T + 2000, T + 3000], true],
    ['a target still on the earlier key (updated before the newest was issued)', [T + 2000, T - 86_400_000], false],
    ['a target that does not exist', [T + 2000, undefined], false],
  ] as const)('%s', (_, updates, converged) => {
    const result = checkConvergence(NAME, [], listing(key(1, T - 7 * 86_400_000), key(2, T)), updates.map(target))
    expect(result.converged).toBe(converged)
  })

  it('takes a regenerate (updated_at) as the issue time, not created_at', () => {
    const regenerated = key(1, T - 30 * 86_400_000, T)
    expect(checkConvergence(NAME, [], listing(regenerated), [target(T - 86_400_000)]).converged).toBe(false)
    expect(checkConvergence(NAME, [], listing(regenerated), [target(T + 1000)]).converged).toBe(true)
  })

  it('needs key-id-variable, when set, to name the key issued last', () => {
    const result = checkConvergence(
      NAME,
      [{ id: 1, source: 'key-id-variable' }],
      listing(key(1, T - 1000), key(2, T)),
      [target(T + 1000)],
    )
    expect(result).toMatchObject({ converged: false })
  })

  it('tolerates GitHub a few seconds behind Capgo when deciding whether a run is due, never when retiring', () => {
    // The secret was written a second after the key by Capgo's clock, but GitHub's runs 5 s behind.
    const targets = [target(T + 1000 - 5000)]
    const keys = listing(key(1, T - 7 * 86_400_000), key(2, T))
    expect(checkConvergence(NAME, [], keys, targets, CROSS_CLOCK_TOLERANCE_MS).converged).toBe(true)
    const strict = checkConvergence(NAME, [], keys, targets)
    expect(strict.converged).toBe(false)
    expect(findLeftovers(0, strict)).toHaveProperty('reason')
  })

  it('with no key of the rotation, leaves the decision to age alone', () => {
    expect(checkConvergence(NAME, [], listing(), [target(T)]).converged).toBeUndefined()
  })
})

describe('findLeftovers', () => {
  it('retires every earlier key but keep-previous of them, only on a converged rotation', () => {
    const keys = listing(key(1, T - 14 * 86_400_000), key(2, T - 7 * 86_400_000), key(3, T))
    const converged = checkConvergence(NAME, [], keys, [target(T + 1000)])
    const none = findLeftovers(0, converged)
    expect('retire' in none && none.retire.retired.map((k) => k.id)).toEqual([2, 1])
    const one = findLeftovers(1, converged)
    expect('retire' in one && [one.retire.kept.map((k) => k.id), one.retire.retired.map((k) => k.id)]).toEqual([
      [2],
      [1],
    ])
  })
})
