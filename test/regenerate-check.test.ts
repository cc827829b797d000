import { describe, expect, it } from 'vitest'
import type { CapgoApi, CapgoKey, IssuedKey, KeyListing } from '../src/capgo-client.js'
import { regeneratedAgain } from '../src/explain.js'
import { checkNotRegeneratedAgain } from '../src/regenerate-check.js'

// After a regenerate and its writes, the key list says whether the key was regenerated again
// meanwhile (src/regenerate-check.ts): its row's updated_at moves with every regenerate. Over an
// in-memory CapgoApi that answers only the list.

const OURS = '2026-03-01T12:00:00.123+00:00'

function row(id: number, updatedAt: string | undefined): CapgoKey {
  return {
    id,
    name: 'github-actions:octo/app:CAPGO_TOKEN',
    mode: undefined,
    globalPermissions: [],
    createdAt: '2025-01-01T00:00:00+00:00',
    updatedAt,
    expiresAt: undefined,
    isManagingKey: false,
  }
}

function issued(updatedAt: string | undefined, id = 7): IssuedKey {
  return {
    id,
    name: 'github-actions:octo/app:CAPGO_TOKEN',
    key: 'capgo-new-value',
    mode: undefined,
    expiresAt: undefined,
    updatedAt,
  }
}

/** A Capgo whose list answers `listing` (or throws it); every other call is a test failure. */
function capgoListing(listing: KeyListing | Error): CapgoApi & { lists: number } {
  const refuse = async (): Promise<never> => {
    throw new Error('the check must only read the list')
  }
  return {
    lists: 0,
    async listKeys() {
      this.lists++
      if (listing instanceof Error) throw listing
      return listing
    },
    createKey: refuse,
    regenerateKey: refuse,
    deleteKey: refuse,
  }
}

async function check(key: IssuedKey, listing: KeyListing | Error) {
  const capgo = capgoListing(listing)
  const warnings: string[] = []
  const found = await checkNotRegeneratedAgain(capgo, key, (m) => warnings.push(m))
  return { found, warnings, lists: capgo.lists }
}

const current = (...keys: CapgoKey[]): KeyListing => ({ generation: 'current', keys })

describe('checkNotRegeneratedAgain', () => {
  it.each<[string, string | undefined]>([
    ['the same updated_at', OURS],
    ['the same instant, written another way', '2026-03-01T12:00:00.123Z'],
    ['the same instant, to the microsecond', '2026-03-01T12:00:00.123456+00:00'],
    ['an earlier updated_at', '2026-03-01T11:59:59+00:00'],
    ['no updated_at', undefined],
    ['an unreadable updated_at', 'yesterday'],
  ])('finds nothing when the row has %s', async (_, theirs) => {
    const result = await check(issued(OURS), current(row(6, '2027-01-01T00:00:00Z'), row(7, theirs)))
    expect(result).toEqual({ found: undefined, warnings: [], lists: 1 })
  })

  it.each([
    ['a later updated_at', '2026-03-01T12:05:00+00:00'],
    ['one millisecond later', '2026-03-01T12:00:00.124+00:00'],
    ['a later instant in another zone', '2026-03-01T13:00:00.124+01:00'],
  ])('finds the key regenerated again at %s, quoting both times as given', async (_, theirs) => {
    const result = await check(issued(OURS), current(row(7, theirs)))
    expect(result.found).toEqual({ kind: 'regenerated-again', id: 7, ours: OURS, theirs })
    expect(result.warnings).toEqual([])
  })

  it('reads only the row of its own key: another key regenerated later does not count', async () => {
    const result = await check(issued(OURS, 7), current(row(8, '2026-03-02T00:00:00Z'), row(7, OURS)))
    expect(result.found).toBeUndefined()
  })

  it('finds the key gone when its row is no longer in the list', async () => {
    const result = await check(issued(OURS, 7), current(row(6, OURS), row(70, '2026-03-02T00:00:00Z')))
    expect(result.found).toEqual({ kind: 'gone', id: 7 })
    expect(regeneratedAgain(result.found!)).toMatch(/^key 7 is no longer in Capgo's list/)
  })

  it('finds the key gone from an empty list', async () => {
    expect((await check(issued(OURS, 7), current())).found).toEqual({ kind: 'gone', id: 7 })
  })

  it('warns when the list fails, and finds nothing (the writes stand)', async () => {
    const result = await check(issued(OURS, 7), new Error('Listing keys failed: 503 Service Unavailable'))
    expect(result.found).toBeUndefined()
    expect(result.warnings).toEqual([
      'Could not check that key 7 was not regenerated again by another run (Listing keys failed: 503 Service Unavailable).',
    ])
  })

  it.each<[string, string | undefined]>([
    ['says no updated_at', undefined],
    ['has an empty updated_at', ''],
    ['has an unreadable updated_at', 'not a time'],
  ])('does not ask when the regenerate answer %s (the lease is the guard then)', async (_, ours) => {
    const result = await check(issued(ours), current())
    // An empty list would read as "gone": not asked at all.
    expect(result).toEqual({ found: undefined, warnings: [], lists: 0 })
  })
})
