import { describe, expect, it } from 'vitest'
import type { IssuedKey } from '../src/capgo-client.js'
import * as explain from '../src/explain.js'
import type { Retirement } from '../src/retire-keys.js'

// The rotation's sentences, from the facts its steps return. The wording is what users read in
// the log and the summary, and what other tests match: each variant of each fact, worded.

const key: IssuedKey = {
  id: 100,
  name: 'rot',
  key: 'capgo-plaintext',
  mode: 'upload',
  expiresAt: '2026-01-01T00:00:00Z',
}
const created = { strategy: 'create' as const, key }
const regenerated = { strategy: 'regenerate' as const, key }

const retirement = (overrides: Partial<Retirement>): Retirement => ({
  kept: [],
  deleted: [],
  notFound: [],
  refused: [],
  failed: [],
  unsafe: undefined,
  ...overrides,
})

describe('preflight', () => {
  it.each([
    [['A problem.'], 'A problem. Nothing was changed.'],
    [['One.', 'Two.'], 'Preflight found 2 problems; nothing was changed:\n  - One.\n  - Two.'],
  ])('%j', (problems, expected) => {
    expect(explain.preflightFailed(problems)).toBe(expected)
  })

  it('quotes at most 40 characters of a variable that holds no id', () => {
    const text = explain.variableNotAnId('CAPGO_KEY_ID', 'x'.repeat(100))
    expect(text).toContain(`holds '${'x'.repeat(40)}', not a Capgo key id`)
    expect(text).not.toContain('x'.repeat(41))
  })

  it.each([
    ['expired', 'Capgo key 7 expired at 2026-01-01T00:00:00Z, and a regenerate keeps its expiry'],
    ['too-soon', 'Capgo key 7 expires at 2026-01-01T00:00:00Z, before a next run could replace it, and a regenerate'],
  ] as const)('a regenerate that would keep an expiry: %s', (problem, start) => {
    expect(explain.regenerateKeepsDeadExpiry({ id: 7, expiresAt: '2026-01-01T00:00:00Z' }, problem)).toMatch(
      new RegExp(`^${start.replace(/[()]/g, '\\$&')}.*set expires-in-days \\(1 to 365\\)`),
    )
  })
})

describe('a lost create, by what the sweep found', () => {
  it.each([
    [{ kind: 'none' }, 'Capgo: timed out. No key was created; nothing was changed.'],
    [
      { kind: 'deleted', ids: [100, 101] },
      'Capgo: timed out. The create went through after all; key(s) 100, 101 were deleted again. Nothing else was changed.',
    ],
    [{ kind: 'unguarded', ids: [100] }, /^Capgo: timed out\. Key\(s\) 100 named 'rot' appeared .* deletes none;/],
    [
      { kind: 'unknown', error: 'list failed' },
      "Capgo: timed out. Whether Capgo created a key is unknown (list failed). If it did, it is named 'rot' and the next run deletes it; no secret was changed.",
    ],
  ] as const)('%j', (sweep, expected) => {
    const text = explain.lostCreate('Capgo: timed out.', 'rot', sweep)
    if (typeof expected === 'string') expect(text).toBe(expected)
    else expect(text).toMatch(expected)
  })
})

describe('a key issued dead, by what became of it', () => {
  it.each([
    [
      created,
      'expired',
      { kind: 'deleted' },
      'which already expired',
      'The new key was deleted again; the previous key is untouched.',
    ],
    [
      created,
      'too-soon',
      { kind: 'delete-failed', error: 'boom' },
      'which expires before a next run could replace it',
      'Deleting it again failed too (boom); the next run deletes it. The previous key is untouched.',
    ],
    [
      regenerated,
      'expired',
      { kind: 'regenerated' },
      'which already expired',
      'The key was regenerated, so the value the targets hold no longer works: run again with expires-in-days set.',
    ],
  ] as const)('%#', (issued, problem, withdrawal, when, tail) => {
    const text = explain.deadOnArrival(issued, problem, withdrawal)
    expect(text.startsWith(`Capgo answered with key 100, ${when} (expires_at 2026-01-01T00:00:00Z)`)).toBe(true)
    expect(text.endsWith(` Set expires-in-days. ${tail}`)).toBe(true)
  })
})

it.each([
  [75 * 365 * 86_400_000, "Capgo's clock (the Date of its answers) is 27375 days ahead of the runner's"],
  [-3 * 3_600_000, "Capgo's clock (the Date of its answers) is 3 hours behind the runner's"],
])('a key dead on arrival with the clocks %d ms apart names the clocks, not expires-in-days', (skew, cause) => {
  const text = explain.deadOnArrival(created, 'expired', { kind: 'deleted' }, skew)
  expect(text).toContain(cause)
  expect(text).toContain('check the clock of the server at capgo-api-url')
  expect(text).not.toContain('Set expires-in-days')
  // Within an hour, the clocks are not the story.
  expect(explain.deadOnArrival(created, 'expired', { kind: 'deleted' }, 59 * 60_000)).toContain('Set expires-in-days.')
})

describe('no target written, by what became of the key', () => {
  it.each([
    [
      { kind: 'deleted' },
      /^No target could be written, so the new key 100 was deleted again; the previous key is untouched\.\n/,
    ],
    [
      { kind: 'delete-failed', error: 'boom' },
      /^No target could be written, and deleting the new key 100 again failed too \(boom\): .*every earlier key named 'rot'/,
    ],
    [{ kind: 'regenerated' }, /^Capgo key 100 was regenerated, so the value the targets hold no longer works/],
  ] as const)('%j', (withdrawal, expected) => {
    const text = explain.noTargetWritten(key, withdrawal, ['cause one', 'cause two'])
    expect(text).toMatch(expected)
    expect(text.endsWith('\ncause one\ncause two')).toBe(true)
  })
})

describe('after every target holds the new key', () => {
  const none = { variable: undefined, retirement: undefined, regeneratedAgain: undefined }

  it.each([
    ['nothing failed', none, undefined],
    ['the variable was written', { ...none, variable: { result: 'updated', value: '100' } }, undefined],
    [
      'keys retired, kept, refused or gone',
      { ...none, retirement: retirement({ deleted: [5], kept: [6], refused: [7], notFound: [8] }) },
      undefined,
    ],
    [
      'the variable failed',
      { ...none, variable: { result: 'failed', value: '100', error: 'GitHub: 403.' } },
      'Every target holds the new key 100, but:\n  - GitHub: 403. It should hold 100, the id of the key every target now holds.',
    ],
    [
      'a delete failed',
      {
        ...none,
        retirement: retirement({
          failed: [
            { id: 5, error: 'Capgo: 500.' },
            { id: 4, error: 'Capgo: 502.' },
          ],
        }),
      },
      "Every target holds the new key 100, but:\n  - deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key named 'rot'), or delete them in Capgo:\n    - key 5: Capgo: 500.\n    - key 4: Capgo: 502.",
    ],
    [
      'the list did not show the managing key',
      { ...none, retirement: retirement({ unsafe: { reason: 'earlier keys were left alive', ids: [5, 4] } }) },
      'Every target holds the new key 100, but:\n  - earlier keys were left alive (ids 5, 4).',
    ],
    [
      'the key was regenerated again meanwhile',
      { ...none, regeneratedAgain: { kind: 'regenerated-again', id: 100, ours: 'T1', theirs: 'T2' } },
      /^Every target holds the new key 100, but:\n {2}- key 100 was regenerated again at T2, after this run regenerated it at T1: /,
    ],
    [
      'the key is gone from the list',
      { ...none, regeneratedAgain: { kind: 'gone', id: 100 } },
      /- key 100 is no longer in Capgo's list \(deleted\?\): another run or a person/,
    ],
    [
      'several at once, in order: variable, deletes, regenerate check',
      {
        variable: { result: 'failed', value: '100', error: 'V.' },
        retirement: retirement({ failed: [{ id: 5, error: 'D.' }] }),
        regeneratedAgain: { kind: 'gone', id: 100 },
      },
      /^Every target holds the new key 100, but:\n {2}- V\. .*\n {2}- deleting previous .*\n {4}- key 5: D\.\n {2}- key 100 is no longer/s,
    ],
  ] as const)('%s', (_, results, expected) => {
    const text = explain.afterEveryTarget(100, results as Parameters<typeof explain.afterEveryTarget>[1], 'rot')
    if (expected === undefined || typeof expected === 'string') expect(text).toBe(expected)
    else expect(text).toMatch(expected)
  })
})

describe('leftovers and deletes', () => {
  it.each([
    [403, 'cannot_delete', 'Capgo refused to delete previous key 5 (403 cannot_delete); it stays alive.'],
    [401, undefined, 'Capgo refused to delete previous key 5 (401); it stays alive.'],
  ] as const)('a refused delete: %s %s', (status, code, start) => {
    expect(explain.previousKeyDeleteRefused(5, status, code).startsWith(start)).toBe(true)
  })

  it('words a leftover retirement that failed after the not-due decision', () => {
    const failure = explain.retirementFailure(retirement({ failed: [{ id: 4, error: 'E.' }] }), 'rot')!
    expect(explain.leftoversNotRetired(5, failure)).toMatch(
      /^Every target holds key 5, but deleting previous key\(s\) failed/,
    )
    expect(explain.retirementFailure(retirement({ deleted: [4] }), 'rot')).toBeUndefined()
  })

  it('words a run that is not due, and one that is due although young', () => {
    expect(explain.notDue(30, 'T')).toBe(
      'Not rotating: every target secret was updated less than 30 days ago. Next rotation due T.',
    )
    expect(explain.notDuePlan(30, 'T')).toBe('every target was updated less than 30 days ago: nothing to do until T')
    expect(explain.dueAnyway(30, 'why')).toBe(
      'Rotating although every target secret was updated less than 30 days ago: why.',
    )
  })
})
