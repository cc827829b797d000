import nock from 'nock'
import { beforeAll, describe, expect, it } from 'vitest'
import { FakeCapgo, pgTimestamp, type Generation } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'

// Whole runs against fakes shaped like the real backends (test/support/fake-capgo.ts cites the
// Cap-go/capgo file each behaviour comes from): classic C 329f5d00, current H 4bc7d83f, and the
// shapes of the public docs. What issue "Speak the real Capgo" found, one test each.

const TOKEN = 'github_pat_realcapgo00000000000000000000'
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const VARIABLE = 'CAPGO_KEY_ID'
const DAY = 24 * 60 * 60 * 1000

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(generation: Generation, managingKey: ConstructorParameters<typeof FakeCapgo>[2] = {}): void {
  nock.cleanAll()
  capgo = new FakeCapgo(generation, undefined, managingKey).install()
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
const held = () => github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
const planLines = (log: string) => log.split('\n').filter((line) => line.startsWith('Dry run: '))

describe('strategy auto picks the real generation from the first run', () => {
  // C get.ts:28-36 (select('*'), a bare array) and post.ts (a key of mode all may create).
  it('classic: creates on the first run and on every run after, and the dry run says so', async () => {
    setup('classic')
    const dry = await rotate({ 'dry-run': 'true' })
    expect(dry.error).toBeUndefined()
    expect(dry.outputs.strategy).toBe('create')
    expect(planLines(dry.log)[0]).toMatch(/^Dry run: create Capgo key/)
    expect(planLines(dry.log).join('\n')).not.toContain('regenerate')

    const first = await rotate()
    expect(first.error).toBeUndefined()
    expect(first.outputs.strategy).toBe('create')
    const second = await rotate({ 'keep-previous': '0' })
    expect(second.error).toBeUndefined()
    expect(second.outputs.strategy).toBe('create')
    expect(second.outputs['deleted-key-ids']).toBe(`[${first.outputs['key-id']}]`)
    expect(capgo.named(NAME).map((k) => String(k.id))).toEqual([second.outputs['key-id']])
    expect(capgo.isAlive(held())).toBe(true)
    // No regenerate attempted and no warning about a grace window.
    expect(capgo.requests.some((r) => r.method === 'PUT')).toBe(false)
    expect(first.log + second.log).not.toContain('::warning::')
  })

  // H get.ts:59-77 (public columns, no mode/key/key_hash) and post.ts (400 cannot_create_apikey).
  it('current: regenerates, and the dry run says so, without trying a create', async () => {
    setup('current')
    const key = capgo.addKey({ name: NAME })
    const dry = await rotate({ 'dry-run': 'true' })
    expect(dry.outputs.strategy).toBe('regenerate')
    expect(planLines(dry.log)[0]).toBe(
      `Dry run: regenerate Capgo key ${key.id} in place (no expiry; its rights stay as set in Capgo)`,
    )

    const run = await rotate()
    expect(run.error).toBeUndefined()
    expect(run.outputs.strategy).toBe('regenerate')
    expect(run.outputs['key-id']).toBe(String(key.id))
    expect(held()).toBe(capgo.keys.get(key.id)!.key)
    expect(capgo.isAlive(held())).toBe(true)
    expect(capgo.requests.some((r) => r.method === 'POST')).toBe(false)
  })

  it('documented shapes: the same create-then-delete, from {data}, {apikey} and {success}', async () => {
    setup('documented')
    const old = capgo.addKey({ name: NAME })
    const run = await rotate()
    expect(run.error).toBeUndefined()
    expect(run.outputs.strategy).toBe('create')
    expect(capgo.keys.has(old.id)).toBe(false)
    expect(capgo.isAlive(held())).toBe(true)
  })
})

describe('a legacy non-UUID managing key', () => {
  // C/H hono_middleware.ts: a non-UUID `authorization` is taken as a user JWT (401 invalid_jwt).
  for (const generation of ['classic', 'current'] as const) {
    it(`works on ${generation} Capgo: capgkey only, no authorization header`, async () => {
      setup(generation, { managingKey: { key: 'legacy_capgo_key_0123456789abcdef' } })
      if (generation === 'current') capgo.addKey({ name: NAME })
      const run = await rotate()
      expect(run.error).toBeUndefined()
      expect(capgo.isAlive(held())).toBe(true)
      for (const request of capgo.requests) {
        expect(request.headers.capgkey).toBe('legacy_capgo_key_0123456789abcdef')
        expect(request.headers.authorization).toBeUndefined()
      }
    })
  }
})

describe('the managing key is never regenerated or deleted', () => {
  // H put.ts:345-347: 401 cannot_update_apikey, "API keys cannot update themselves".
  it('current: previous-key-id naming the managing key is explained as such, nothing changed', async () => {
    setup('current')
    const run = await rotate({ 'previous-key-id': String(capgo.managingKey.id) })
    expect(run.failed).toBe(true)
    expect(run.error).toContain('cannot_update_apikey')
    expect(run.error).toContain('it is the managing key itself, or a key it may not manage')
    expect(run.error).not.toContain('lacks the rights')
    expect(capgo.isAlive(capgo.managingKey.key)).toBe(true)
    expect(github.mutatingRequests().filter((r) => r.path.endsWith('/CAPGO_TOKEN'))).toHaveLength(0)
  })

  // C delete.ts / put.ts: a classic key may delete or regenerate itself, so the action must refuse.
  it('classic: key-name equal to the managing key name is refused before any request that changes anything', async () => {
    setup('classic')
    const run = await rotate({ 'key-name': capgo.managingKey.name, strategy: 'regenerate' })
    expect(run.error).toContain('is also the name of the managing key')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(capgo.isAlive(capgo.managingKey.key)).toBe(true)
  })
})

describe('expiry', () => {
  // C/H put.ts: a regenerate keeps expires_at unless one is sent.
  it('refuses in preflight to regenerate an expired key without expires-in-days', async () => {
    setup('current')
    capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() - DAY)) })
    const run = await rotate()
    expect(run.failed).toBe(true)
    expect(run.error).toMatch(/expired at .*set expires-in-days/)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('refuses a key that expires before a next run could replace it', async () => {
    setup('current')
    capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() + 3 * DAY)) })
    const run = await rotate({ 'rotate-after-days': '7' })
    expect(run.error).toMatch(/before a next run could replace it/)
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('regenerates it with a new expiry when expires-in-days is set', async () => {
    setup('current')
    const key = capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() - DAY)) })
    const run = await rotate({ 'expires-in-days': '30' })
    expect(run.error).toBeUndefined()
    expect(Date.parse(capgo.keys.get(key.id)!.expires_at!)).toBeGreaterThan(Date.now() + 29 * DAY)
    expect(capgo.isAlive(held())).toBe(true)
  })

  it('never writes a key whose returned expires_at is in the past, whatever preflight saw', async () => {
    setup('classic')
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    // A create answer claiming an expiry in the past (a server with a skewed clock, say).
    capgo.fault('POST', /^\/apikey\/?$/, [
      200,
      {
        id: 999,
        name: NAME,
        mode: 'upload',
        key: '11111111-2222-4333-8444-555555555555',
        expires_at: '2020-01-01T00:00:00+00:00',
      },
    ])
    const run = await rotate()
    expect(run.failed).toBe(true)
    expect(run.error).toContain('which already expired')
    expect(github.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/CAPGO_TOKEN'))).toHaveLength(0)
    expect(run.outputs.rotated).toBe('false')
  })

  // H put.ts: validateExpirationAgainstOrgPolicies when expires_at is sent; 400 expiration_exceeds_max.
  it('maps an org expiry policy refusal to expires-in-days', async () => {
    setup('current')
    capgo.addKey({ name: NAME })
    capgo.orgPolicy = { requireExpiry: true, maxDays: 30 }
    const run = await rotate({ 'expires-in-days': '90' })
    expect(run.failed).toBe(true)
    expect(run.error).toContain('expires-in-days')
    expect(github.mutatingRequests().filter((r) => r.path.endsWith('/CAPGO_TOKEN'))).toHaveLength(0)
  })
})

describe('expiry policies on classic Capgo', () => {
  // C 20260507090436_*.sql:159-235: enforce_apikey_expiration_policy raises in a trigger; post.ts
  // answers 400 failed_to_create_apikey, the policy code in moreInfo.supabaseError.message.
  it('a create refused by the policy names expires-in-days, and changes nothing', async () => {
    setup('classic')
    capgo.orgPolicy = { requireExpiry: true }
    const run = await rotate()
    expect(run.failed).toBe(true)
    expect(run.error).toContain('expiration_required')
    expect(run.error).toContain('set expires-in-days')
    expect(capgo.named(NAME)).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
    // Within the policy, the next run goes through.
    const ok = await rotate({ 'expires-in-days': '30' })
    expect(ok.error).toBeUndefined()
  })

  // C put.ts: the same trigger on UPDATE surfaces as 500 failed_to_update_apikey: final, not retried.
  it('a regenerate refused by the policy (a 500 on classic) is not retried and names expires-in-days', async () => {
    setup('classic')
    capgo.orgPolicy = { requireExpiry: true, maxDays: 30 }
    const key = capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() + 20 * DAY)) })
    const before = key.key
    const run = await rotate({ strategy: 'regenerate', 'expires-in-days': '90' })
    expect(run.failed).toBe(true)
    expect(run.error).toContain('expiration_exceeds_max')
    expect(run.error).toContain('expires-in-days')
    expect(run.error).toContain('Nothing was changed')
    expect(capgo.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/apikey'))).toHaveLength(1)
    expect(capgo.keys.get(key.id)!.key).toBe(before)
  })
})

describe('keep-previous with regenerate: a grace window on current Capgo', () => {
  // updated_at is bumped by every UPDATE (H baseline.sql:19780 handle_updated_at), a regenerate included.
  it('regenerates the key regenerated longest ago; the value the secrets held stays alive until the next run', async () => {
    setup('current')
    const a = capgo.addKey({ name: NAME, updated_at: '2026-01-01T00:00:00+00:00' })
    const b = capgo.addKey({ name: NAME, updated_at: '2026-02-01T00:00:00+00:00' })
    const inputs = { 'keep-previous': '1', 'key-id-variable': VARIABLE }

    const first = await rotate(inputs)
    expect(first.error).toBeUndefined()
    expect(first.outputs['key-id']).toBe(String(a.id))
    expect(first.outputs['kept-key-ids']).toBe(`[${b.id}]`)
    const afterFirst = held()
    const bValue = capgo.keys.get(b.id)!.key
    expect(capgo.isAlive(bValue)).toBe(true)

    const second = await rotate(inputs)
    expect(second.error).toBeUndefined()
    expect(second.outputs['key-id']).toBe(String(b.id))
    // The value the secrets held until this run (a's) still works: runs queued before it upload fine.
    expect(capgo.isAlive(afterFirst)).toBe(true)
    expect(capgo.isAlive(bValue)).toBe(false)

    const third = await rotate(inputs)
    expect(third.outputs['key-id']).toBe(String(a.id))
    expect(capgo.isAlive(afterFirst)).toBe(false)
    expect(capgo.isAlive(held())).toBe(true)
  })

  it('without key-id-variable, still alternates by updated_at', async () => {
    setup('current')
    const a = capgo.addKey({ name: NAME, updated_at: '2026-01-01T00:00:00+00:00' })
    const b = capgo.addKey({ name: NAME, updated_at: '2026-02-01T00:00:00+00:00' })
    const ids: string[] = []
    for (let run = 0; run < 3; run++) ids.push((await rotate({ 'keep-previous': '1' })).outputs['key-id']!)
    expect(ids).toEqual([String(a.id), String(b.id), String(a.id)])
  })
})

describe('a key with more rights than the rotation is for', () => {
  // H global_permissions.ts: org.create is granted to org admin keys only.
  it('current: warns when the key to regenerate carries global permissions', async () => {
    setup('current')
    const admin = capgo.addKey({ name: NAME, role: 'org_admin', global_permissions: ['org.create'] })
    const run = await rotate()
    expect(run.error).toBeUndefined()
    expect(run.log).toContain(`::warning::Capgo key ${admin.id} ('${NAME}') has global permissions org.create`)
  })

  it('classic: warns when regenerating a key of mode all into an upload secret', async () => {
    setup('classic')
    const leaked = capgo.addKey({ name: 'hand-made admin key', mode: 'all' })
    const run = await rotate({ strategy: 'regenerate', 'previous-key-id': String(leaked.id) })
    expect(run.error).toBeUndefined()
    expect(run.log).toContain(
      `::warning::Capgo key ${leaked.id} ('hand-made admin key') has mode all (key-mode is upload)`,
    )
  })
})
