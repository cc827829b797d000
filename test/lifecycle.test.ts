import nock from 'nock'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeCapgo, pgTimestamp, type Generation } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'
import { humanTime } from '../src/summary.js'
import { summaryText } from './support/summary-text.js'

// The rotation's life over many runs: the id remembered in a variable, a grace window of earlier
// keys, an age threshold that lets a daily schedule rotate weekly, and the dry run's plan.

const TOKEN = 'github_pat_lifecycle000000000000000000000'
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const VARIABLE = 'CAPGO_KEY_ID'

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(generation: Generation = 'classic'): void {
  nock.cleanAll()
  capgo = new FakeCapgo(generation).install()
  github = new FakeGitHub(TOKEN).install().addRepo('octo/app')
}

const rotate = (extra: Record<string, string> = {}) =>
  runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })

/** `days` go by for both services: GitHub's secrets and Capgo's keys age together, as in a real schedule. */
function age(days: number): void {
  github.age(days)
  const back = (at: string) => pgTimestamp(new Date(Date.parse(at) - days * 86_400_000))
  for (const key of capgo.keys.values()) {
    key.created_at = back(key.created_at)
    key.updated_at = back(key.updated_at)
  }
}

const liveIds = () => capgo.named(NAME).map((k) => k.id)
const heldKey = () => github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
const variableRequests = () =>
  github.requests.filter(
    (r) =>
      r.path.endsWith(`/actions/variables/${VARIABLE}`) ||
      (r.method === 'POST' && (r.body as { name?: string }).name === VARIABLE),
  )

describe('key-id-variable', () => {
  beforeEach(() => setup())

  it('a first run with no variable creates it with the new id, never the key', async () => {
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.error).toBeUndefined()
    const [id] = liveIds()
    expect(github.variable('octo/app', VARIABLE)).toBe(String(id))
    expect(variableRequests().map((r) => r.method)).toEqual(['GET', 'POST'])
    expect(variableRequests()[1]!.body).toEqual({ name: VARIABLE, value: String(id) })
    expect(summaryText(run.summary)).toContain(`Variable ${VARIABLE}: created (key id ${id})`)
  })

  it('a later run deletes the key the variable names, even under another name, and updates it', async () => {
    const handMade = capgo.addKey({ name: 'made by hand' })
    github.setVariable('octo/app', VARIABLE, String(handMade.id))
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.error).toBeUndefined()
    expect(capgo.keys.has(handMade.id)).toBe(false)
    const [id] = liveIds()
    expect(github.variable('octo/app', VARIABLE)).toBe(String(id))
    expect(variableRequests().map((r) => r.method)).toEqual(['GET', 'PATCH'])
    expect(run.outputs['previous-key-ids']).toBe(`[${handMade.id}]`)
  })

  it('is written only after every target holds the new key', async () => {
    await rotate({ 'key-id-variable': VARIABLE })
    const variablePost = github.requests.findIndex(
      (r) => r.method === 'POST' && (r.body as { name?: string }).name === VARIABLE,
    )
    const secretPut = github.requests.findIndex((r) => r.method === 'PUT' && r.path.endsWith('/secrets/CAPGO_TOKEN'))
    expect(variablePost).toBeGreaterThan(secretPut)
  })

  it('on a 409 from the create, updates instead', async () => {
    github.setVariable('octo/app', VARIABLE, '1')
    // The read misses it (a concurrent run created it in between), so the create meets a 409.
    github.fault('GET', /variables\/CAPGO_KEY_ID$/, [404, { message: 'Not Found' }])
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.error).toBeUndefined()
    expect(variableRequests().map((r) => r.method)).toEqual(['GET', 'POST', 'PATCH'])
    expect(github.variable('octo/app', VARIABLE)).toBe(String(liveIds()[0]))
  })

  it('a garbled answer to the create (hiding a 409) is no proof: the value is set with PATCH', async () => {
    github.setVariable('octo/app', VARIABLE, '1')
    github.fault('GET', /variables\/CAPGO_KEY_ID$/, [404, { message: 'Not Found' }])
    // The first POST to variables is the lease's; the second, key-id-variable's, meets the 409 and
    // answers a cut-short 200.
    github.fault('POST', /variables$/, 'malformed', { nth: 2, afterHandling: true })
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.error).toBeUndefined()
    expect(variableRequests().map((r) => r.method)).toEqual(['GET', 'POST', 'PATCH'])
    expect(github.variable('octo/app', VARIABLE)).toBe(String(liveIds()[0]))
  })

  it('a token without Variables permission gets a message naming it, before any change', async () => {
    github.fault('GET', /variables\/CAPGO_KEY_ID$/, [
      403,
      { message: 'Resource not accessible by personal access token' },
    ])
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.failed).toBe(true)
    expect(run.error).toContain('reading variable CAPGO_KEY_ID of octo/app: 403')
    expect(run.error).toContain('"Variables: Read and write"')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('a variable that holds no id fails in preflight', async () => {
    github.setVariable('octo/app', VARIABLE, 'not-an-id')
    const run = await rotate({ 'key-id-variable': VARIABLE })
    expect(run.error).toContain("Variable CAPGO_KEY_ID holds 'not-an-id', not a Capgo key id")
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('refuses, before any change, a variable that names the managing key', async () => {
    github.setVariable('octo/app', VARIABLE, String(capgo.managingKey.id))
    const run = await rotate({ 'key-id-variable': VARIABLE })
    expect(run.error).toContain(`key-id-variable ${capgo.managingKey.id} is the managing key (capgo-api-key) itself`)
    expect(capgo.keys.has(capgo.managingKey.id)).toBe(true)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('with regenerate, it picks the key from the variable and leaves an equal value alone', async () => {
    setup('current')
    const existing = capgo.addKey({ name: 'dashboard key' })
    github.setVariable('octo/app', VARIABLE, String(existing.id))
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.error).toBeUndefined()
    expect(run.outputs.strategy).toBe('regenerate')
    expect(heldKey()).toBe(capgo.keys.get(existing.id)!.key)
    expect(variableRequests().map((r) => r.method)).toEqual(['GET'])
    expect(summaryText(run.summary)).toContain(`Variable ${VARIABLE}: unchanged (key id ${existing.id})`)
  })

  it('a failed variable write fails the run after the rotation, saying which id it should hold', async () => {
    // The first POST to variables is the lease's (taken in preflight); the second is key-id-variable's.
    github.fault('POST', /variables$/, [403, { message: 'Resource not accessible by personal access token' }], {
      nth: 2,
    })
    const old = capgo.addKey({ name: NAME })
    const run = await rotate({ 'key-id-variable': VARIABLE })

    expect(run.failed).toBe(true)
    const [id] = liveIds()
    expect(run.error).toContain(`Every target holds the new key ${id}, but:`)
    expect(run.error).toContain(`It should hold ${id}`)
    // The secrets are safe, so the old key is still retired.
    expect(capgo.keys.has(old.id)).toBe(false)
    expect(heldKey()).toBe(capgo.keys.get(id!)!.key)
  })
})

describe('keep-previous', () => {
  beforeEach(() => setup())

  it('with 1, keeps exactly the current and the previous key over several runs', async () => {
    const first = await rotate({ 'keep-previous': '1' })
    expect(first.outputs['kept-key-ids']).toBe('[]')
    const idsAfter: number[][] = []
    for (let run = 0; run < 3; run++) {
      const before = liveIds()
      const result = await rotate({ 'keep-previous': '1' })
      expect(result.error).toBeUndefined()
      const after = liveIds()
      idsAfter.push(after)
      expect(after).toHaveLength(2)
      // The newest earlier key is the one kept; anything older is gone.
      expect(JSON.parse(result.outputs['kept-key-ids']!)).toEqual([Math.max(...before)])
      expect(after).toContain(Number(result.outputs['key-id']))
    }
    expect(heldKey()).toBe(capgo.keys.get(Math.max(...idsAfter[2]!))!.key)
  })

  it('with 2, keeps the two newest earlier keys and deletes the rest', async () => {
    const oldest = capgo.addKey({ name: NAME, created_at: '2026-01-01T00:00:00Z' })
    const middle = capgo.addKey({ name: NAME, created_at: '2026-02-01T00:00:00Z' })
    const newest = capgo.addKey({ name: NAME, created_at: '2026-03-01T00:00:00Z' })
    const run = await rotate({ 'keep-previous': '2' })

    expect(run.error).toBeUndefined()
    expect(JSON.parse(run.outputs['kept-key-ids']!)).toEqual([newest.id, middle.id])
    expect(JSON.parse(run.outputs['deleted-key-ids']!)).toEqual([oldest.id])
    expect(liveIds().sort()).toEqual([middle.id, newest.id, Number(run.outputs['key-id'])].sort())
  })

  it('on current Capgo, needs keep-previous + 1 keys of the name and says how many to create', async () => {
    setup('current')
    capgo.addKey({ name: NAME })
    const run = await rotate({ 'keep-previous': '1' })
    expect(run.error).toContain(`keep-previous: 1 regenerates in turn 2 keys named '${NAME}', and Capgo has 1`)
    expect(run.error).toContain('create 1 more with exactly that name')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('a key Capgo refuses to delete is kept, not a failure', async () => {
    const old = capgo.addKey({ name: NAME })
    capgo.fault('DELETE', new RegExp(`/apikey/${old.id}$`), [
      401,
      { error: 'cannot_delete_self', message: 'API keys cannot delete themselves' },
    ])
    const run = await rotate()
    expect(run.failed).toBe(false)
    expect(run.outputs['kept-key-ids']).toBe(`[${old.id}]`)
    expect(run.log).toContain(`Capgo refused to delete previous key ${old.id} (401 cannot_delete_self)`)
  })
})

describe('rotate-after-days', () => {
  beforeEach(() => setup())

  it('changes nothing while every target is younger than the threshold, and says when it is due', async () => {
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    github.age(2)
    const updatedAt = Date.parse(github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')!.updated_at)
    const run = await rotate({ 'rotate-after-days': '7', 'key-id-variable': VARIABLE })

    expect(run.failed).toBe(false)
    expect(run.outputs.rotated).toBe('false')
    const due = new Date(updatedAt + 7 * 86_400_000).toISOString()
    expect(run.log).toContain(`Next rotation due ${due}`)
    expect(summaryText(run.summary)).toContain('Not due: every secret was updated less than 7 days ago')
    expect(summaryText(run.summary)).toContain(`Next rotation due ${humanTime(due)} (in 5 days)`)
    expect(JSON.parse(run.outputs.targets!)[0].result).toBe('skipped')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('rotates once the oldest target passes the threshold', async () => {
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    github.age(8)
    const run = await rotate({ 'rotate-after-days': '7' })
    expect(run.outputs.rotated).toBe('true')
    expect(heldKey()).toBe(capgo.named(NAME)[0]!.key)
  })

  it('counts a missing secret as due', async () => {
    github.addRepo('octo/web')
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    const run = await rotate({ 'rotate-after-days': '7', repositories: 'app,web', 'key-name': NAME })
    expect(run.outputs.rotated).toBe('true')
  })
})

describe('rotate-after-days: leftovers of a failed run', () => {
  beforeEach(() => setup())

  it('a run that is not due still retires the earlier key a failed delete left alive', async () => {
    const old = capgo.addKey({ name: NAME, created_at: new Date(Date.now() - 30 * 86_400_000).toISOString() })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', old.key)
    github.age(8)
    // The rotation writes the new key, then its delete of the old one fails on every attempt.
    capgo.fault('DELETE', new RegExp(`/apikey/${old.id}$`), [503, { error: 'unavailable', message: 'Unavailable' }], {
      every: true,
    })
    const failed = await rotate({ 'rotate-after-days': '7' })
    expect(failed.failed).toBe(true)
    expect(failed.error).toContain('Run again to retire them')
    const current = Number(failed.outputs['key-id'])

    capgo.clearFaults()
    const rerun = await rotate({ 'rotate-after-days': '7' })
    expect(rerun.failed).toBe(false)
    expect(rerun.outputs.rotated).toBe('false')
    expect(rerun.outputs['deleted-key-ids']).toBe(`[${old.id}]`)
    expect(liveIds()).toEqual([current])
    expect(heldKey()).toBe(capgo.keys.get(current)!.key)
  })

  it('honours keep-previous when retiring leftovers', async () => {
    const oldest = capgo.addKey({ name: NAME, created_at: '2026-01-01T00:00:00Z' })
    const older = capgo.addKey({ name: NAME, created_at: '2026-02-01T00:00:00Z' })
    const newest = capgo.addKey({ name: NAME, created_at: new Date(Date.now() - 2 * 86_400_000).toISOString() })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', newest.key)
    github.age(1)
    const run = await rotate({ 'rotate-after-days': '7', 'keep-previous': '1' })

    expect(run.outputs.rotated).toBe('false')
    expect(run.outputs['deleted-key-ids']).toBe(`[${oldest.id}]`)
    expect(run.outputs['kept-key-ids']).toBe(`[${older.id}]`)
    expect(liveIds().sort()).toEqual([older.id, newest.id].sort())
  })

  it('rotates when a target may still hold an earlier key (updated before the newest key was made), though no target is due', async () => {
    github.addRepo('octo/web')
    const old = capgo.addKey({ name: NAME, created_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
    github.sealAndStore({ repo: 'octo/web' }, 'CAPGO_TOKEN', old.key)
    github.age(2)
    // A partial write: octo/app got the newest key, octo/web kept the old one.
    const newest = capgo.addKey({ name: NAME, created_at: new Date(Date.now() - 86_400_000).toISOString() })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', newest.key)
    const run = await rotate({ 'rotate-after-days': '7', repositories: 'app,web', 'key-name': NAME })

    // Skipping would leave the targets split until the next due date: the run rotates instead.
    expect(run.failed).toBe(false)
    expect(run.outputs.rotated).toBe('true')
    expect(run.log).toContain('Rotating although every target secret was updated less than 7 days ago: octo/web')
    const current = Number(run.outputs['key-id'])
    expect(liveIds()).toEqual([current])
    expect(heldKey()).toBe(capgo.keys.get(current)!.key)
    expect(github.decrypt({ repo: 'octo/web' }, 'CAPGO_TOKEN')).toBe(capgo.keys.get(current)!.key)
  })
})

describe('set it and forget it', () => {
  it('a daily schedule with rotate-after-days 7 and keep-previous 1 rotates weekly, keeping current and previous', async () => {
    setup()
    const inputs = { 'key-id-variable': VARIABLE, 'keep-previous': '1', 'rotate-after-days': '7' }
    const rotatedOn: number[] = []
    for (let day = 0; day < 22; day++) {
      const run = await rotate(inputs)
      expect(run.error).toBeUndefined()
      if (run.outputs.rotated === 'true') rotatedOn.push(day)
      const live = liveIds()
      const current = Number(github.variable('octo/app', VARIABLE))
      expect(heldKey()).toBe(capgo.keys.get(current)!.key)
      expect(live).toContain(current)
      expect(live.length).toBe(rotatedOn.length === 1 ? 1 : 2)
      expect(capgo.keys.has(capgo.managingKey.id)).toBe(true)
      age(1)
    }
    expect(rotatedOn).toEqual([0, 7, 14, 21])
  })
})

describe('dry-run', () => {
  it('shows the whole plan and sends no POST, PUT, PATCH or DELETE anywhere', async () => {
    setup()
    github.addRepo('octo/web')
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    const older = capgo.addKey({ name: NAME, created_at: '2026-01-01T00:00:00Z' })
    const newer = capgo.addKey({ name: NAME, created_at: '2026-02-01T00:00:00Z' })
    github.setVariable('octo/app', VARIABLE, String(newer.id))
    const run = await rotate({
      'dry-run': 'true',
      'key-id-variable': VARIABLE,
      'keep-previous': '1',
      repositories: 'app,web',
      'key-name': NAME,
      'limited-to-apps': 'com.demo.app',
      'expires-in-days': '30',
    })

    expect(run.failed).toBe(false)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
    const plan = run.log.split('\n').filter((line) => line.startsWith('Dry run: '))
    expect(plan).toEqual([
      `Dry run: create Capgo key '${NAME}' (mode upload, limited to apps com.demo.app, expires 30 days after the rotation)`,
      'Dry run: write octo/app (repository actions secret CAPGO_TOKEN): updated',
      'Dry run: write octo/web (repository actions secret CAPGO_TOKEN): created',
      `Dry run: set variable ${VARIABLE} to the new key's id (updated from ${newer.id})`,
      `Dry run: then delete previous key(s) ${older.id}`,
      `Dry run: keep previous key(s) ${newer.id} alive (keep-previous: 1)`,
    ])
    expect(run.outputs).toMatchObject({
      rotated: 'false',
      strategy: 'create',
      'previous-key-ids': `[${newer.id},${older.id}]`,
      'deleted-key-ids': `[${older.id}]`,
      'kept-key-ids': `[${newer.id}]`,
    })
    expect(summaryText(run.summary)).toContain('Dry run: would create a new key and write 2 secrets')
    expect(summaryText(run.summary)).toContain(`then delete previous key(s) ${older.id}`)
  })

  it('fails when the plan is not feasible (nothing to regenerate), still without changes', async () => {
    setup('current')
    const run = await rotate({ 'dry-run': 'true' })
    expect(run.failed).toBe(true)
    expect(run.error).toContain(`There is no Capgo key named '${NAME}' to regenerate`)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })
})
