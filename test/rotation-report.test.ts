import { describe, expect, it } from 'vitest'
import type { CapgoKey, IssuedKey } from '../src/capgo-client.js'
import type { PreparedTarget } from '../src/github-secret-store.js'
import type { Withdrawal } from '../src/issue-key.js'
import type { PreviousKeys, RegenerateChoice } from '../src/previous-keys.js'
import type { Retirement } from '../src/retire-keys.js'
import {
  deadKeyReport,
  dryRunReport,
  noTargetReport,
  notDueReport,
  partialReport,
  rotatedReport,
  targetOutcome,
} from '../src/rotation-report.js'
import type { Issued, RotationReport, TargetOutcome } from '../src/rotation-types.js'
import { readSettings, type Settings } from '../src/settings.js'
import type { TargetRef } from '../src/targets.js'
import type { TargetWrites } from '../src/write-targets.js'
import type { SettledTarget } from '../src/write-verification.js'

// The assembly of the RotationReport from what the steps returned (src/rotation-report.ts), one
// way a run ends at a time, with the step results built by hand: which ids land in previous,
// deleted, kept and notFound, the targets, rotated and rotatedAt, and whether a failure is said.
// Whole rotations, step by step, are in rotation.test.ts; the sentences in explain.test.ts.

const KEY_NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const ROTATED_AT = '2026-03-01T12:00:00.000Z'

function settings(extra: Record<string, string> = {}): Settings {
  const inputs: Record<string, string> = {
    'capgo-api-key': 'capgo-managing-key',
    'github-token': 'github_pat_report',
    repositories: 'octo/app, octo/web',
    'key-name': KEY_NAME,
    'key-id-variable': 'CAPGO_KEY_ID',
    ...extra,
  }
  return readSettings((name) => inputs[name] ?? '', { GITHUB_REPOSITORY: 'octo/app' })
}

function capgoKey(id: number): CapgoKey {
  return {
    id,
    name: KEY_NAME,
    mode: 'upload',
    globalPermissions: [],
    createdAt: undefined,
    updatedAt: undefined,
    expiresAt: undefined,
    isManagingKey: false,
  }
}

const keys = (...ids: number[]) => ids.map(capgoKey)

function previous(replaced: number[], keepPrevious = 0): PreviousKeys {
  const all = keys(...replaced)
  return { replaced: all, kept: all.slice(0, keepPrevious), retired: all.slice(keepPrevious), notes: [] }
}

const refuse = async (): Promise<never> => {
  throw new Error('the report is assembled from results: no target is touched')
}

function target(repo: string, existing: PreparedTarget['existing']): PreparedTarget {
  const ref: TargetRef = { kind: 'repository', type: 'actions', owner: 'octo', repo, secret: 'CAPGO_TOKEN' }
  return {
    ref,
    orgAccess: undefined,
    existing,
    write: refuse,
    reread: refuse,
    verifyWrite: refuse,
    checkWriteAccess: refuse,
  }
}

const app = target('app', { updatedAt: '2026-02-01T00:00:00Z' })
const web = target('web', null)
const orgTarget: PreparedTarget = {
  ...target('unused', undefined),
  ref: {
    kind: 'organization',
    type: 'actions',
    owner: 'octo',
    secret: 'CAPGO_TOKEN',
    visibility: 'selected',
    selectedRepositories: ['app'],
  },
  orgAccess: { visibility: 'selected', selectedRepositoryIds: [42], isNew: false },
}

function found(
  prev: PreviousKeys,
  regenerateChoice: RegenerateChoice = { ok: false, problem: 'no key to regenerate' },
  targets: readonly PreparedTarget[] = [app, web],
) {
  return { targets, previous: prev, regenerateChoice }
}

function newKey(id: number, strategy: Issued['strategy'] = 'create'): Issued {
  const key: IssuedKey = {
    id,
    name: KEY_NAME,
    key: `capgo-new-value-${id}`,
    mode: 'upload',
    expiresAt: '2026-06-01T00:00:00Z',
    updatedAt: ROTATED_AT,
  }
  return { strategy, key }
}

type State = SettledTarget['state']

/** What writeTargets returns when each target ended in `states` (app, then web). */
function writes(keyId: number, ...states: State[]): TargetWrites {
  const targets = [app, web]
  const settled = states.map(
    (state, i): SettledTarget => ({
      target: targets[i]!,
      state,
      result: state === 'written' ? 'updated' : undefined,
      error: state === 'written' ? undefined : `writing ${targets[i]!.ref.owner}/${i}: 403 refused`,
    }),
  )
  const outcomes = settled.map(
    (s): TargetOutcome => ({
      ...targetOutcome(
        s.target,
        s.state === 'written' ? 'updated' : 'failed',
        s.state === 'written' ? keyId : undefined,
      ),
      error: s.error,
    }),
  )
  const written = states.filter((s) => s === 'written').length
  const reach = written === states.length ? 'every' : states.every((s) => s === 'not-written') ? 'none' : 'some'
  return { rotatedAt: ROTATED_AT, outcomes, settled, written, reach }
}

function retirement(extra: Partial<Retirement> = {}): Retirement {
  return { kept: [], deleted: [], notFound: [], refused: [], failed: [], unsafe: undefined, ...extra }
}

/** The id lists of a report, side by side. */
const ids = (report: RotationReport) => ({
  previous: report.previousKeyIds,
  deleted: report.deletedKeyIds,
  kept: report.keptKeyIds,
  notFound: report.notFoundKeyIds,
})

const noIds = { previous: [], deleted: [], kept: [], notFound: [] }

describe('targetOutcome', () => {
  it('carries the target, its org visibility and what preflight saw', () => {
    expect(targetOutcome(orgTarget, 'created', 9)).toEqual({
      ref: orgTarget.ref,
      result: 'created',
      holdsKeyId: 9,
      orgAccess: orgTarget.orgAccess,
      before: undefined,
      error: undefined,
    })
    expect(targetOutcome(web, 'failed', undefined)).toMatchObject({ before: null, holdsKeyId: undefined })
  })
})

describe('notDueReport', () => {
  const NEXT = '2026-03-20T00:00:00.000Z'

  it.each([
    ['no leftovers step (regenerate)', undefined],
    ['no leftovers', { kind: 'none' as const }],
    ['leftovers without the lease', { kind: 'unguarded' as const, ids: [4, 5] }],
  ])('%s: nothing rotated, every target skipped, no ids, no failure', (_, leftovers) => {
    const report = notDueReport(settings({ 'rotate-after-days': '20' }), [app, orgTarget], NEXT, leftovers)
    expect(report).toMatchObject({
      dryRun: false,
      rotated: false,
      strategy: undefined,
      newKey: undefined,
      rotatedAt: undefined,
      nextDueAt: NEXT,
      variable: { name: 'CAPGO_KEY_ID', result: 'unchanged' },
      failure: undefined,
    })
    expect(ids(report)).toEqual(noIds)
    expect(report.plan).toEqual([`every target was updated less than 20 days ago: nothing to do until ${NEXT}`])
    expect(report.targets).toEqual([
      targetOutcome(app, 'skipped', undefined),
      targetOutcome(orgTarget, 'skipped', undefined),
    ])
    expect(report.targets[1]!.orgAccess).toEqual(orgTarget.orgAccess)
  })

  it('a dry run with leftovers: the ids it would replace, delete and keep, and the plan', () => {
    const retire = previous([8, 7, 6], 1)
    const report = notDueReport(
      settings({ 'rotate-after-days': '20', 'dry-run': 'true', 'keep-previous': '1' }),
      [app],
      NEXT,
      {
        kind: 'planned',
        newest: capgoKey(9),
        retire,
      },
    )
    expect(report.dryRun).toBe(true)
    expect(ids(report)).toEqual({ previous: [8, 7, 6], deleted: [7, 6], kept: [8], notFound: [] })
    expect(report.plan).toHaveLength(2)
    expect(report.plan[1]).toBe('every target holds key 9: delete earlier key(s) 7, 6 left alive by an earlier run')
    expect(report.failure).toBeUndefined()
  })

  it('a dry run whose leftovers are all kept: no delete planned', () => {
    const report = notDueReport(settings({ 'rotate-after-days': '20' }), [app], NEXT, {
      kind: 'planned',
      newest: capgoKey(9),
      retire: previous([8], 1),
    })
    expect(ids(report)).toEqual({ previous: [8], deleted: [], kept: [8], notFound: [] })
    expect(report.plan).toHaveLength(1)
  })

  it('leftovers retired: what was deleted, gone, kept or refused, and no failure', () => {
    const report = notDueReport(settings({ 'rotate-after-days': '20' }), [app], NEXT, {
      kind: 'retired',
      newest: capgoKey(9),
      retire: previous([8, 7, 6, 5], 1),
      retirement: retirement({ kept: [8], deleted: [7], notFound: [6], refused: [5] }),
    })
    expect(ids(report)).toEqual({ previous: [8, 7, 6, 5], deleted: [7], kept: [8, 5], notFound: [6] })
    expect(report.failure).toBeUndefined()
    expect(report.rotated).toBe(false)
  })

  it('leftovers whose deletes failed: still alive, not counted deleted, and the run fails saying so', () => {
    const report = notDueReport(settings({ 'rotate-after-days': '20' }), [app], NEXT, {
      kind: 'retired',
      newest: capgoKey(9),
      retire: previous([7, 6]),
      retirement: retirement({ deleted: [6], failed: [{ id: 7, error: '503 Service Unavailable' }] }),
    })
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [6], kept: [], notFound: [] })
    expect(report.failure).toMatch(/^Every target holds key 9, but deleting previous key\(s\) failed/)
    expect(report.failure).toContain('key 7: 503 Service Unavailable')
  })

  it('leftovers not deleted because the list cannot tell the managing key: the run fails saying why', () => {
    const report = notDueReport(settings({ 'rotate-after-days': '20' }), [app], NEXT, {
      kind: 'retired',
      newest: capgoKey(9),
      retire: previous([7, 6]),
      retirement: retirement({ unsafe: { reason: 'the list does not show the managing key', ids: [7, 6] } }),
    })
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [], kept: [], notFound: [] })
    expect(report.failure).toBe('Every target holds key 9, but the list does not show the managing key (ids 7, 6).')
  })

  it('without key-id-variable, reports no variable', () => {
    const report = notDueReport(settings({ 'rotate-after-days': '20', 'key-id-variable': '' }), [app], NEXT, undefined)
    expect(report.variable).toBeUndefined()
  })
})

describe('dryRunReport', () => {
  const plan = ['create a key', 'write 2 targets']

  it('create: what would be replaced, deleted and kept; every target planned', () => {
    const report = dryRunReport(settings({ 'dry-run': 'true' }), found(previous([8, 7, 6], 1)), 'create', plan)
    expect(report).toMatchObject({
      dryRun: true,
      rotated: false,
      strategy: 'create',
      newKey: undefined,
      failure: undefined,
    })
    expect(ids(report)).toEqual({ previous: [8, 7, 6], deleted: [7, 6], kept: [8], notFound: [] })
    expect(report.plan).toEqual(plan)
    expect(report.targets.map((t) => [t.ref, t.result, t.holdsKeyId, t.before])).toEqual([
      [app.ref, 'planned', undefined, app.existing],
      [web.ref, 'planned', undefined, null],
    ])
    expect(report.variable).toEqual({ name: 'CAPGO_KEY_ID', result: 'planned' })
  })

  it('regenerate: the key acted on is replaced, nothing is deleted, the rest of the rotation is kept', () => {
    const choice: RegenerateChoice = { ok: true, id: 6, key: capgoKey(6), kept: keys(8, 7) }
    const report = dryRunReport(settings({ 'dry-run': 'true' }), found(previous([8, 7, 6]), choice), 'regenerate', plan)
    expect(report.strategy).toBe('regenerate')
    expect(ids(report)).toEqual({ previous: [6], deleted: [], kept: [8, 7], notFound: [] })
  })

  it('regenerate with no key to act on (a create would follow): falls back to what a create replaces', () => {
    const report = dryRunReport(settings({ 'dry-run': 'true' }), found(previous([7, 6], 1)), 'regenerate', plan)
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [6], kept: [7], notFound: [] })
  })

  it('copies the plan: a later change to the steps’ list does not reach the report', () => {
    const steps = ['one']
    const report = dryRunReport(settings(), found(previous([])), 'create', steps)
    steps.push('two')
    expect(report.plan).toEqual(['one'])
  })
})

describe('deadKeyReport', () => {
  it('a created key issued dead: nothing rotated, no key reported, the create still names what it replaced', () => {
    const dead = {
      kind: 'dead-on-arrival' as const,
      issued: newKey(100),
      problem: 'expired' as const,
      withdrawal: { kind: 'deleted' } as Withdrawal,
      clockSkewMs: 0,
    }
    const report = deadKeyReport(settings(), found(previous([7, 6], 1)), dead)
    expect(report).toMatchObject({ rotated: false, strategy: 'create', newKey: undefined, rotatedAt: undefined })
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [], kept: [], notFound: [] })
    expect(report.targets).toEqual([])
    expect(report.failure).toMatch(/^Capgo answered with key 100, which already expired/)
    expect(report.failure).toContain('The new key was deleted again; the previous key is untouched.')
    expect(report.failure).not.toContain('capgo-new-value')
    expect(report.variable).toEqual({ name: 'CAPGO_KEY_ID', result: 'planned' })
  })

  it('a regenerated key issued dead: the key itself is what it replaced; the rest are kept', () => {
    const choice: RegenerateChoice = { ok: true, id: 6, key: capgoKey(6), kept: keys(7) }
    const report = deadKeyReport(settings(), found(previous([7, 6]), choice), {
      kind: 'dead-on-arrival',
      issued: newKey(6, 'regenerate'),
      problem: 'too-soon',
      withdrawal: { kind: 'regenerated' },
      clockSkewMs: 0,
    })
    expect(report.strategy).toBe('regenerate')
    expect(ids(report)).toEqual({ previous: [6], deleted: [], kept: [7], notFound: [] })
    expect(report.failure).toContain('expires before a next run could replace it')
  })
})

describe('noTargetReport', () => {
  it.each<[string, Withdrawal, RegExp]>([
    ['deleted again', { kind: 'deleted' }, /so the new key 100 was deleted again; the previous key is untouched/],
    [
      'whose delete failed',
      { kind: 'delete-failed', error: '500 boom' },
      /deleting the new key 100 again failed too \(500 boom\)/,
    ],
  ])('a created key %s: nothing rotated, no key reported, each target’s error said', (_, withdrawal, words) => {
    const w = writes(100, 'not-written', 'not-written')
    const report = noTargetReport(settings(), found(previous([7])), newKey(100), w, withdrawal)
    expect(report).toMatchObject({ rotated: false, newKey: undefined, rotatedAt: undefined, strategy: 'create' })
    expect(report.targets).toBe(w.outcomes)
    expect(report.targets.map((t) => t.result)).toEqual(['failed', 'failed'])
    expect(ids(report)).toEqual({ previous: [7], deleted: [], kept: [], notFound: [] })
    expect(report.failure).toMatch(words)
    for (const outcome of w.outcomes) expect(report.failure).toContain(outcome.error)
  })

  it('a regenerated key that reached no target: the targets hold a dead value, and the report says so', () => {
    const report = noTargetReport(
      settings(),
      found(previous([6]), { ok: true, id: 6, key: capgoKey(6), kept: [] }),
      newKey(6, 'regenerate'),
      writes(6, 'not-written', 'not-written'),
      { kind: 'regenerated' },
    )
    expect(ids(report)).toEqual({ previous: [6], deleted: [], kept: [], notFound: [] })
    expect(report.failure).toMatch(/^Capgo key 6 was regenerated, so the value the targets hold no longer works/)
  })
})

describe('partialReport', () => {
  it('some targets written: rotated, the key reported, nothing deleted, the run fails naming who holds what', () => {
    const w = writes(100, 'written', 'not-written')
    const report = partialReport(settings(), found(previous([7, 6])), newKey(100), w)
    expect(report).toMatchObject({ rotated: true, rotatedAt: ROTATED_AT, strategy: 'create' })
    expect(report.newKey?.id).toBe(100)
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [], kept: [], notFound: [] })
    expect(report.targets).toBe(w.outcomes)
    expect(report.failure).toMatch(
      /^Only 1 of 2 targets were written\. Both the new and the previous keys were left alive\./,
    )
    expect(report.failure).toContain('holds new key 100')
    expect(report.failure).toContain('holds its previous value (previous key 7 or 6)')
    // The variable is written only once every target holds the key.
    expect(report.variable).toEqual({ name: 'CAPGO_KEY_ID', result: 'planned' })
  })

  it('no write proven, some unknown: not rotated, no time, but the run still fails', () => {
    const report = partialReport(settings(), found(previous([7])), newKey(100), writes(100, 'unknown', 'not-written'))
    expect(report).toMatchObject({ rotated: false, rotatedAt: undefined })
    expect(report.failure).toMatch(/^1 of 2 target\(s\) may or may not hold the new key/)
  })
})

describe('rotatedReport', () => {
  const every = () => writes(100, 'written', 'written')

  it('create, every key retired as asked: rotated, the ids deleted, gone, kept and refused, no failure', () => {
    const w = every()
    const report = rotatedReport(settings({ 'keep-previous': '1' }), found(previous([8, 7, 6, 5], 1)), newKey(100), w, {
      variable: { result: 'updated', value: '100' },
      retirement: retirement({ kept: [8], deleted: [7], notFound: [6], refused: [5] }),
      regeneratedAgain: undefined,
    })
    expect(report).toMatchObject({
      dryRun: false,
      rotated: true,
      strategy: 'create',
      rotatedAt: ROTATED_AT,
      nextDueAt: undefined,
      variable: { name: 'CAPGO_KEY_ID', result: 'updated' },
      failure: undefined,
    })
    expect(report.newKey?.id).toBe(100)
    expect(report.targets).toBe(w.outcomes)
    expect(ids(report)).toEqual({ previous: [8, 7, 6, 5], deleted: [7], kept: [8, 5], notFound: [6] })
  })

  it('the variable could not be written: its result is failed, and the run fails with the id it should hold', () => {
    const report = rotatedReport(settings(), found(previous([7])), newKey(100), every(), {
      variable: { result: 'failed', value: '100', error: 'writing variable CAPGO_KEY_ID: 403.' },
      retirement: retirement({ deleted: [7] }),
      regeneratedAgain: undefined,
    })
    expect(report.variable).toEqual({ name: 'CAPGO_KEY_ID', result: 'failed' })
    expect(ids(report)).toEqual({ previous: [7], deleted: [7], kept: [], notFound: [] })
    expect(report.failure).toBe(
      'Every target holds the new key 100, but:\n  - writing variable CAPGO_KEY_ID: 403. It should hold 100, the id of the key every target now holds.',
    )
  })

  it('deletes that failed: those keys are neither deleted nor kept, and the run fails naming them', () => {
    const report = rotatedReport(settings(), found(previous([7, 6])), newKey(100), every(), {
      variable: { result: 'created', value: '100' },
      retirement: retirement({ deleted: [6], failed: [{ id: 7, error: 'timed out' }] }),
      regeneratedAgain: undefined,
    })
    expect(report.variable?.result).toBe('created')
    expect(ids(report)).toEqual({ previous: [7, 6], deleted: [6], kept: [], notFound: [] })
    expect(report.failure).toMatch(/^Every target holds the new key 100, but:\n {2}- deleting previous key\(s\) failed/)
    expect(report.failure).toContain(`key 7: timed out`)
    expect(report.failure).toContain(`named '${KEY_NAME}'`)
  })

  it('regenerate, regenerated again meanwhile: the key and its kept siblings reported, the run fails', () => {
    const choice: RegenerateChoice = { ok: true, id: 6, key: capgoKey(6), kept: keys(8, 7) }
    const report = rotatedReport(
      settings(),
      found(previous([8, 7, 6]), choice),
      newKey(6, 'regenerate'),
      writes(6, 'written', 'written'),
      {
        variable: { result: 'unchanged', value: '6' },
        retirement: undefined,
        regeneratedAgain: { kind: 'regenerated-again', id: 6, ours: ROTATED_AT, theirs: '2026-03-01T12:00:05Z' },
      },
    )
    expect(report).toMatchObject({ rotated: true, strategy: 'regenerate' })
    expect(ids(report)).toEqual({ previous: [6], deleted: [], kept: [8, 7], notFound: [] })
    expect(report.failure).toMatch(
      /^Every target holds the new key 6, but:\n {2}- key 6 was regenerated again at 2026-03-01T12:00:05Z/,
    )
  })

  it('regenerate, nothing found afterwards: no failure', () => {
    const choice: RegenerateChoice = { ok: true, id: 6, key: capgoKey(6), kept: [] }
    const report = rotatedReport(
      settings({ 'key-id-variable': '' }),
      found(previous([6]), choice),
      newKey(6, 'regenerate'),
      writes(6, 'written', 'written'),
      {
        variable: undefined,
        retirement: undefined,
        regeneratedAgain: undefined,
      },
    )
    expect(report.failure).toBeUndefined()
    expect(report.variable).toBeUndefined()
    expect(ids(report)).toEqual({ previous: [6], deleted: [], kept: [], notFound: [] })
  })

  it('every failure at once: each said, in order: variable, deletes, regenerated again', () => {
    const report = rotatedReport(settings(), found(previous([7])), newKey(100), every(), {
      variable: { result: 'failed', value: '100', error: 'variable failed.' },
      retirement: retirement({ failed: [{ id: 7, error: 'timed out' }] }),
      regeneratedAgain: { kind: 'gone', id: 100 },
    })
    const lines = report.failure!.split('\n  - ')
    expect(lines).toHaveLength(4)
    expect(lines[1]).toMatch(/^variable failed\./)
    expect(lines[2]).toMatch(/^deleting previous key\(s\) failed/)
    expect(lines[3]).toMatch(/^key 100 is no longer in Capgo's list/)
  })

  it('a variable result without key-id-variable set is not reported', () => {
    const report = rotatedReport(settings({ 'key-id-variable': '' }), found(previous([])), newKey(100), every(), {
      variable: { result: 'created', value: '100' },
      retirement: retirement(),
      regeneratedAgain: undefined,
    })
    expect(report.variable).toBeUndefined()
    expect(report.failure).toBeUndefined()
  })

  it('never puts the plaintext of the new key anywhere but newKey', () => {
    const report = rotatedReport(settings(), found(previous([7])), newKey(100), every(), {
      variable: { result: 'failed', value: '100', error: 'variable failed.' },
      retirement: retirement({ failed: [{ id: 7, error: 'timed out' }] }),
      regeneratedAgain: undefined,
    })
    const { newKey: key, ...rest } = report
    expect(key?.key).toBe('capgo-new-value-100')
    expect(JSON.stringify(rest)).not.toContain('capgo-new-value')
  })
})
