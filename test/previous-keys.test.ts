import { describe, expect, it } from 'vitest'
import type { CapgoKey, KeyListing } from '../src/capgo-client.js'
import { chooseKeyToRegenerate, excessRights, findPreviousKeys, managingKeyProblems } from '../src/previous-keys.js'

// The pure decisions: which keys a rotation replaces, keeps and retires, which key a regenerate
// acts on, and when an input points the rotation at the managing key.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

function key(id: number, extra: Partial<CapgoKey> = {}): CapgoKey {
  return {
    id,
    name: NAME,
    mode: undefined,
    globalPermissions: [],
    createdAt: undefined,
    updatedAt: undefined,
    expiresAt: undefined,
    isManagingKey: false,
    ...extra,
  }
}

const listing = (...keys: CapgoKey[]): KeyListing => ({ generation: 'classic', keys })
const manager = key(1, { name: 'ci manager', mode: 'all', isManagingKey: true })

describe('managingKeyProblems', () => {
  it('refuses previous-key-id, key-id-variable or key-name pointing at the managing key', () => {
    const list = listing(manager, key(2))
    expect(managingKeyProblems(NAME, [], list, 'auto')).toEqual([])
    expect(managingKeyProblems(NAME, [{ id: 1, source: 'previous-key-id' }], list, 'auto')[0]).toMatch(
      /^previous-key-id 1 is the managing key/,
    )
    expect(managingKeyProblems(NAME, [{ id: 1, source: 'key-id-variable' }], list, 'auto')[0]).toMatch(
      /^key-id-variable 1 is the managing key/,
    )
    expect(managingKeyProblems('ci manager', [], list, 'auto')[0]).toMatch(
      /^key-name 'ci manager' is also the name of the managing key/,
    )
  })

  it('cannot tell on a list that does not show the managing key (current Capgo): the server refuses there', () => {
    expect(
      managingKeyProblems(
        NAME,
        [{ id: 1, source: 'previous-key-id' }],
        { generation: 'current', keys: [key(1)] },
        'auto',
      ),
    ).toEqual([])
  })

  it('refuses to act on a classic list that does not show the managing key (over 1000 keys, or no key/key_hash)', () => {
    expect(managingKeyProblems(NAME, [], listing(key(2)), 'create')[0]).toMatch(
      /^The managing key's own row is not in Capgo's key list/,
    )
    const unknown = { generation: 'unknown' as const, keys: [key(2)] }
    expect(managingKeyProblems(NAME, [], unknown, 'regenerate')[0]).toMatch(/^The managing key's own row/)
    // auto on a list that does not tell: the create's answer decides, and canRetire guards the deletes.
    expect(managingKeyProblems(NAME, [], unknown, 'auto')).toEqual([])
  })
})

describe('findPreviousKeys', () => {
  const old = key(10, { createdAt: '2026-01-01T00:00:00Z' })
  const mid = key(11, { createdAt: '2026-02-01T00:00:00Z' })
  const recent = key(12, { createdAt: '2026-03-01T00:00:00Z' })
  const foreign = key(20, { name: 'hand-made' })

  it.each([
    ['every key of the name, newest kept first', 0, [], [10, 11, 12], [], [12, 11, 10]],
    ['keep-previous 1 keeps the newest', 1, [], [10, 11, 12], [12], [11, 10]],
    ['keep-previous larger than the keys keeps all', 5, [], [10, 11, 12], [12, 11, 10], []],
    [
      'an explicit id of another name joins',
      0,
      [{ id: 20, source: 'previous-key-id' as const }],
      [10, 20],
      [],
      [10, 20],
    ],
    [
      'an unlisted explicit id is kept as a bare id, oldest',
      1,
      [{ id: 99, source: 'key-id-variable' as const }],
      [12],
      [12],
      [99],
    ],
  ])('%s', (_, keep, explicit, present, kept, retired) => {
    const all = [manager, old, mid, recent, foreign].filter(
      (k) => k === manager || present.includes(k.id) || k === foreign,
    )
    const result = findPreviousKeys(NAME, explicit, keep, listing(...all))
    expect(result.kept.map((k) => k.id)).toEqual(kept)
    expect(result.retired.map((k) => k.id)).toEqual(retired)
    expect(result.replaced.some((k) => k.isManagingKey)).toBe(false)
  })

  it('never replaces the managing key, even when it carries the name', () => {
    const namedManager = { ...manager, name: NAME }
    expect(
      findPreviousKeys(NAME, [{ id: 1, source: 'previous-key-id' }], 0, listing(namedManager, old)).retired.map(
        (k) => k.id,
      ),
    ).toEqual([10])
  })
})

describe('chooseKeyToRegenerate', () => {
  const base = { keyName: NAME, previousKeyId: undefined, rememberedId: undefined, keepPrevious: 0 }
  const a = key(30, { updatedAt: '2026-05-01T00:00:00Z' })
  const b = key(31, { updatedAt: '2026-04-01T00:00:00Z' })
  const c = key(32, { updatedAt: '2026-06-01T00:00:00Z' })

  it('takes previous-key-id as given, then key-id-variable, then the single key of the name', () => {
    expect(chooseKeyToRegenerate({ ...base, previousKeyId: 7, rememberedId: 8, listing: listing(a) })).toMatchObject({
      ok: true,
      id: 7,
    })
    expect(chooseKeyToRegenerate({ ...base, rememberedId: 8, listing: listing(a) })).toMatchObject({ ok: true, id: 8 })
    expect(chooseKeyToRegenerate({ ...base, listing: listing(manager, a) })).toMatchObject({
      ok: true,
      id: 30,
      kept: [],
    })
  })

  it('on the first run, says exactly which key to create in the dashboard', () => {
    const choice = chooseKeyToRegenerate({ ...base, listing: listing(manager) })
    expect(choice.ok).toBe(false)
    const problem = (choice as { problem: string }).problem
    expect(problem).toContain(`name exactly '${NAME}'`)
    expect(problem).toContain('app_uploader')
    expect(problem).toContain('https://console.capgo.app/dashboard/apikeys')
  })

  it('with keep-previous N, regenerates the one of N+1 keys regenerated longest ago', () => {
    expect(chooseKeyToRegenerate({ ...base, keepPrevious: 1, listing: listing(a, b) })).toMatchObject({
      ok: true,
      id: 31,
      kept: [a],
    })
    expect(chooseKeyToRegenerate({ ...base, keepPrevious: 2, listing: listing(a, b, c) })).toMatchObject({
      ok: true,
      id: 31,
    })
  })

  it('with keep-previous N and key-id-variable, never regenerates the key the secrets hold now', () => {
    // b was regenerated longest ago but is the one the variable remembers as current.
    expect(chooseKeyToRegenerate({ ...base, keepPrevious: 1, rememberedId: 31, listing: listing(a, b) })).toMatchObject(
      {
        ok: true,
        id: 30,
        kept: [b],
      },
    )
  })

  it('needs exactly N+1 keys of the name, saying how many to create or delete', () => {
    const few = chooseKeyToRegenerate({ ...base, keepPrevious: 2, listing: listing(a, b) })
    expect(few).toMatchObject({ ok: false })
    expect((few as { problem: string }).problem).toMatch(/create 1 more with exactly that name/)
    const many = chooseKeyToRegenerate({ ...base, keepPrevious: 1, listing: listing(a, b, c) })
    expect((many as { problem: string }).problem).toMatch(/3 Capgo keys are named .* delete 1 of them/)
  })

  it('ignores the managing key when counting the keys of the name', () => {
    expect(chooseKeyToRegenerate({ ...base, listing: listing({ ...manager, name: NAME }, a) })).toMatchObject({
      ok: true,
      id: 30,
    })
  })
})

describe('excessRights', () => {
  it.each([
    [{ mode: 'upload', globalPermissions: [] }, 'upload', undefined],
    [{ mode: 'read', globalPermissions: [] }, 'upload', undefined],
    [{ mode: 'all', globalPermissions: [] }, 'upload', 'mode all (key-mode is upload)'],
    [{ mode: 'write', globalPermissions: [] }, 'upload', 'mode write (key-mode is upload)'],
    [{ mode: 'superuser', globalPermissions: [] }, 'all', 'mode superuser (key-mode is all)'],
    [
      { mode: undefined, globalPermissions: ['org.create'] },
      'upload',
      'global permissions org.create (an organization admin key)',
    ],
    [{ mode: undefined, globalPermissions: [] }, 'upload', undefined],
  ] as const)('%o with key-mode %s', (rights, keyMode, expected) => {
    expect(excessRights(rights, keyMode)).toBe(expected)
  })
})
