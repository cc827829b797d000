import nock from 'nock'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_ORG_ID, FakeCapgo, type Generation } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'
import { summaryText } from './support/summary-text.js'

// Whole runs through run(), with Capgo and GitHub faked at the HTTP boundary (nock). Every run
// checks that no credential reaches the log, the summary or an output other than `key`.

const TOKEN = 'github_pat_11AAAAAAA0testtokenvalue0123456789'
const DEFAULT_NAME = 'github-actions:octo/app:CAPGO_TOKEN'

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(generation: Generation, repos: string[] = ['octo/app']): void {
  nock.cleanAll()
  capgo = new FakeCapgo(generation).install()
  github = new FakeGitHub(TOKEN).install()
  for (const repo of repos) github.addRepo(repo)
}

const secrets = (): string[] => [TOKEN, ...capgo.allKeyValues()]
const rotate = (extra: Record<string, string> = {}) =>
  runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })

/** Every request to either fake, in the order they were sent. */
function timeline(): string[] {
  return [
    ...capgo.requests.map((r) => ({ r, service: 'capgo' })),
    ...github.requests.map((r) => ({ r, service: 'github' })),
  ]
    .sort((a, b) => a.r.seq - b.r.seq)
    .map(({ r, service }) => `${service} ${r.method} ${r.path}`)
}

describe('classic Capgo, strategy create', () => {
  beforeEach(() => setup('classic'))

  it('creates a scoped key, writes a secret that decrypts to it, then deletes previous-key-id', async () => {
    const old = capgo.addKey({ name: 'hand-made upload key', mode: 'upload' })
    for (const app of ['com.demo.app', 'com.demo.other']) capgo.apps.set(app, FAKE_ORG_ID)
    const run = await rotate({
      'previous-key-id': String(old.id),
      'limited-to-apps': 'com.demo.app, com.demo.other',
      'expires-in-days': '30',
    })

    expect(run.error).toBeUndefined()
    expect(run.failed).toBe(false)
    const created = capgo.named(DEFAULT_NAME)
    expect(created).toHaveLength(1)
    const key = created[0]!
    expect(key.mode).toBe('upload')
    expect(key.limited_to_apps).toEqual(['com.demo.app', 'com.demo.other'])
    expect(Date.parse(key.expires_at!) - Date.now()).toBeGreaterThan(29 * 86_400_000)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(key.key)
    expect(capgo.keys.has(old.id)).toBe(false)
    expect(capgo.keys.has(capgo.managingKey.id)).toBe(true)

    // Both credentials went in both Capgo headers, raw (no Bearer).
    const post = capgo.requests.find((r) => r.method === 'POST')!
    expect(post.headers.capgkey).toBe(capgo.managingKey.key)
    expect(post.headers.authorization).toBe(capgo.managingKey.key)

    // The delete comes only after the write.
    const steps = timeline()
    expect(steps.indexOf(`capgo DELETE /apikey/${old.id}`)).toBeGreaterThan(
      steps.indexOf('github PUT /api/v3/repos/octo/app/actions/secrets/CAPGO_TOKEN'),
    )

    expect(run.outputs).toMatchObject({
      rotated: 'true',
      strategy: 'create',
      'key-id': String(key.id),
      'key-name': DEFAULT_NAME,
      key: key.key,
      'expires-at': key.expires_at,
      'previous-key-ids': `[${old.id}]`,
      'deleted-key-ids': `[${old.id}]`,
      'kept-key-ids': '[]',
    })
    expect(JSON.parse(run.outputs.targets!)).toEqual([
      { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN', result: 'created' },
    ])
    expect(Date.parse(run.outputs['rotated-at']!)).not.toBeNaN()
    // The key is masked the moment it exists, before any other line mentions it.
    expect(run.log).toContain(`::add-mask::${key.key}`)
    expect(summaryText(run.summary)).toContain(`Rotated key ${key.id} into 1 secret; retired key ${old.id}`)
  })

  it('finds earlier keys by exact key-name and deletes all of them, leaving other keys alone', async () => {
    const earlier1 = capgo.addKey({ name: DEFAULT_NAME })
    const earlier2 = capgo.addKey({ name: DEFAULT_NAME })
    const similar = capgo.addKey({ name: `${DEFAULT_NAME}-staging` })
    const run = await rotate()

    expect(run.failed).toBe(false)
    const live = capgo.named(DEFAULT_NAME)
    expect(live).toHaveLength(1)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(live[0]!.key)
    expect(capgo.keys.has(earlier1.id)).toBe(false)
    expect(capgo.keys.has(earlier2.id)).toBe(false)
    expect(capgo.keys.has(similar.id)).toBe(true)
    // Newest first.
    expect(JSON.parse(run.outputs['deleted-key-ids']!)).toEqual([earlier2.id, earlier1.id])
  })

  it('writes every repository with its own public key', async () => {
    setup('classic', ['octo/app', 'octo/web', 'other-org/tool'])
    const run = await rotate({ repositories: 'app\nweb, other-org/tool', 'key-name': DEFAULT_NAME })

    expect(run.failed).toBe(false)
    const key = capgo.named(DEFAULT_NAME)[0]!.key
    for (const repo of ['octo/app', 'octo/web', 'other-org/tool'])
      expect(github.decrypt({ repo }, 'CAPGO_TOKEN')).toBe(key)
    expect(JSON.parse(run.outputs.targets!).map((t: { repo: string }) => t.repo)).toEqual(['app', 'web', 'tool'])
    // Exactly one public-key read and one write per repository.
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(3)
    expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(3)
  })

  // Classic delete.ts: 404 api_key_not_found alike for a missing key and another user's key.
  it('reports a 404 on delete as not found (gone, or not visible), not as deleted', async () => {
    const foreign = capgo.addForeignKey({ name: 'someone else' })
    const run = await rotate({ 'previous-key-id': String(foreign.id) })

    expect(run.failed).toBe(false)
    expect(capgo.requests.some((r) => r.method === 'DELETE' && r.path === `/apikey/${foreign.id}`)).toBe(true)
    expect(capgo.keys.has(foreign.id)).toBe(true)
    expect(run.outputs['deleted-key-ids']).toBe('[]')
    expect(run.log).toContain(
      `Previous key ${foreign.id} was not found: it is already gone, or not visible to the managing key`,
    )
  })

  it('refuses, before any change, an input that points the rotation at the managing key', async () => {
    const pointers: Record<string, string>[] = [
      { 'previous-key-id': String(capgo.managingKey.id) },
      { 'key-name': capgo.managingKey.name },
    ]
    for (const inputs of pointers) {
      capgo.requests.length = 0
      const run = await rotate(inputs)
      expect(run.failed).toBe(true)
      expect(run.error).toMatch(/is the managing key \(capgo-api-key\) itself|is also the name of the managing key/)
      expect(capgo.keys.has(capgo.managingKey.id)).toBe(true)
      expect(capgo.mutatingRequests()).toHaveLength(0)
      expect(github.mutatingRequests()).toHaveLength(0)
    }
  })

  // Classic post.ts stores a hashed key with key = NULL and key_hash = sha256 hex: still recognised.
  it('recognises a hashed managing key by key_hash, and a non-UUID legacy one', async () => {
    for (const managingKey of [{ hashed: true }, { key: 'legacy-capgo-key-0123456789abcdef', hashed: true }]) {
      nock.cleanAll()
      capgo = new FakeCapgo('classic', undefined, { managingKey }).install()
      github = new FakeGitHub(TOKEN).install()
      github.addRepo('octo/app')
      const run = await rotate({ 'previous-key-id': String(capgo.managingKey.id) })
      expect(run.error).toContain('is the managing key (capgo-api-key) itself')
      expect(capgo.mutatingRequests()).toHaveLength(0)
      const ok = await rotate()
      expect(ok.error).toBeUndefined()
      expect(capgo.keys.has(capgo.managingKey.id)).toBe(true)
    }
  })

  it('rolls back the new key when the only target write fails', async () => {
    const old = capgo.addKey({ name: DEFAULT_NAME })
    github.fault('PUT', /secrets\/CAPGO_TOKEN$/, [
      403,
      { message: 'Resource not accessible by personal access token' },
      { 'x-accepted-github-permissions': 'secrets=write' },
    ])
    const run = await rotate()

    expect(run.failed).toBe(true)
    expect(run.error).toContain('No target could be written, so the new key')
    expect(run.error).toContain('deleted again; the previous key is untouched')
    expect(run.error).toContain('writing octo/app (repository actions secret CAPGO_TOKEN): 403')
    expect(run.error).toContain('secrets=write')
    // Only the previous key (and the managing key) remain; the previous key was never touched.
    expect(capgo.named(DEFAULT_NAME).map((k) => k.id)).toEqual([old.id])
    expect(capgo.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
    expect(github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN') !== undefined).toBe(false)
    expect(run.outputs.rotated).toBe('false')
    expect(run.outputs.key).toBeUndefined()
    expect(JSON.parse(run.outputs.targets!)[0].result).toBe('failed')
  })

  it('reports a partial write over two repositories and leaves both keys alive', async () => {
    setup('classic', ['octo/app', 'octo/web'])
    const old = capgo.addKey({ name: DEFAULT_NAME })
    github.fault('PUT', /octo\/web\/actions\/secrets\/CAPGO_TOKEN$/, [422, { message: 'Invalid request.' }])
    const run = await rotate({ repositories: 'octo/app,octo/web', 'key-name': DEFAULT_NAME })

    expect(run.failed).toBe(true)
    const keys = capgo.named(DEFAULT_NAME)
    expect(keys.map((k) => k.id)).toContain(old.id)
    expect(keys).toHaveLength(2)
    const fresh = keys.find((k) => k.id !== old.id)!
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(fresh.key)
    expect(github.stored({ repo: 'octo/web' }, 'CAPGO_TOKEN') !== undefined).toBe(false)
    expect(run.error).toContain('Only 1 of 2 targets were written. Both the new and the previous keys were left alive.')
    expect(run.error).toContain(`octo/app (repository actions secret CAPGO_TOKEN): created, holds new key ${fresh.id}`)
    expect(run.error).toContain(
      `octo/web (repository actions secret CAPGO_TOKEN): failed, holds its previous value (previous key ${old.id})`,
    )
    expect(run.outputs.rotated).toBe('true')
    expect(JSON.parse(run.outputs.targets!).map((t: { result: string }) => t.result)).toEqual(['created', 'failed'])
    expect(run.outputs['deleted-key-ids']).toBe('[]')
    const summary = summaryText(run.summary)
    expect(summary).toContain(`Partly done: new key ${fresh.id} reached 1 of 2 secrets`)
    expect(summary).toContain(`octo/app | repository, Actions | created | key ${fresh.id} (new)`)
    expect(summary).toContain(`octo/web | repository, Actions | failed | its previous value (key ${old.id})`)
    expect(summary).toContain(`Earlier keys: ${old.id} still alive`)
  })

  it('a re-run after a partial write converges to one key held everywhere', async () => {
    setup('classic', ['octo/app', 'octo/web'])
    github.fault('PUT', /octo\/web\/actions\/secrets\/CAPGO_TOKEN$/, [422, { message: 'Invalid request.' }])
    expect((await rotate({ repositories: 'octo/app,octo/web', 'key-name': DEFAULT_NAME })).failed).toBe(true)
    const rerun = await rotate({ repositories: 'octo/app,octo/web', 'key-name': DEFAULT_NAME })

    expect(rerun.failed).toBe(false)
    const keys = capgo.named(DEFAULT_NAME)
    expect(keys).toHaveLength(1)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(keys[0]!.key)
    expect(github.decrypt({ repo: 'octo/web' }, 'CAPGO_TOKEN')).toBe(keys[0]!.key)
  })

  it('deletes a key whose create answer was lost, and changes nothing else', async () => {
    const old = capgo.addKey({ name: DEFAULT_NAME })
    capgo.fault('POST', /^\/apikey\/?$/, [502, 'Bad Gateway'], { afterHandling: true })
    const run = await rotate()

    expect(run.failed).toBe(true)
    expect(run.error).toContain('The create went through after all')
    expect(capgo.named(DEFAULT_NAME).map((k) => k.id)).toEqual([old.id])
    expect(github.mutatingRequests()).toHaveLength(0)
    // The create itself is never retried.
    expect(capgo.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('fails before any change when the Capgo key cannot manage keys', async () => {
    const weak = capgo.addKey({ name: 'upload only', mode: 'upload' })
    const run = await runAction({
      repository: 'octo/app',
      inputs: fakeInputs(capgo, github, { 'capgo-api-key': weak.key }),
      tuning: NO_CAPGO_RETRY_WAITS,
      mustNotLeak: secrets,
    })

    expect(run.failed).toBe(true)
    expect(run.error).toContain('Capgo: list keys failed: HTTP 401')
    expect(run.error).toContain('lacks the rights to manage keys')
    expect(run.error).toContain('Nothing was changed.')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
    expect(run.outputs.rotated).toBe('false')
  })

  it('fails before any change when the token cannot see a repository', async () => {
    const run = await rotate({ repositories: 'octo/app,octo/missing', 'key-name': DEFAULT_NAME })

    expect(run.failed).toBe(true)
    expect(run.error).toContain('reading the public key of octo/missing')
    expect(run.error).toContain('does not exist, or the token cannot see it')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('dry-run lists the plan and sends no mutating request', async () => {
    const old = capgo.addKey({ name: DEFAULT_NAME })
    const run = await rotate({ 'dry-run': 'true' })

    expect(run.failed).toBe(false)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
    expect(run.outputs.rotated).toBe('false')
    expect(run.outputs.strategy).toBe('create')
    expect(run.outputs['previous-key-ids']).toBe(`[${old.id}]`)
    expect(JSON.parse(run.outputs.targets!)[0].result).toBe('planned')
    expect(run.log).toContain(`Dry run: create Capgo key '${DEFAULT_NAME}' (mode upload`)
    expect(run.log).toContain(`Dry run: then delete previous key(s) ${old.id}`)
    expect(summaryText(run.summary)).toContain('Dry run: would create a new key and write 1 secret')
    expect(summaryText(run.summary)).toContain('Nothing was changed.')
  })
})

describe('current Capgo', () => {
  beforeEach(() => setup('current'))

  // H get.ts rows carry is_hashed_key/rbac_id and no mode: auto regenerates without trying a create.
  it('auto regenerates the key named key-name, without a create first', async () => {
    const existing = capgo.addKey({ name: DEFAULT_NAME })
    const before = existing.key
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(capgo.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
    const after = capgo.keys.get(existing.id)!
    expect(after.key).not.toBe(before)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(after.key)
  })

  // When the rows do not tell (no generation-specific column), H post.ts's 400 cannot_create_apikey decides.
  it('auto falls back to regenerating when a list that does not tell is followed by a refused create, with a notice', async () => {
    const existing = capgo.addKey({ name: DEFAULT_NAME })
    const before = existing.key
    capgo.fault('GET', /^\/apikey\/?$/, [200, [{ id: existing.id, name: DEFAULT_NAME }]])
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(capgo.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(run.log).toContain('::notice::Capgo refused to create a key (cannot_create_apikey')
    const after = capgo.keys.get(existing.id)!
    expect(after.key).not.toBe(before)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(after.key)
    expect(run.outputs).toMatchObject({
      rotated: 'true',
      strategy: 'regenerate',
      'key-id': String(existing.id),
      'previous-key-ids': `[${existing.id}]`,
      'deleted-key-ids': '[]',
    })
    expect(capgo.requests.some((r) => r.method === 'DELETE')).toBe(false)
  })

  it('regenerate sends expires_at and uses previous-key-id over the name', async () => {
    capgo.addKey({ name: DEFAULT_NAME })
    const chosen = capgo.addKey({ name: 'other' })
    const run = await rotate({ strategy: 'regenerate', 'previous-key-id': String(chosen.id), 'expires-in-days': '7' })

    expect(run.failed).toBe(false)
    const put = capgo.requests.find((r) => r.method === 'PUT')!
    expect(put.path).toBe(`/apikey/${chosen.id}`)
    expect(put.body).toMatchObject({ regenerate: true })
    expect(typeof (put.body as { expires_at: string }).expires_at).toBe('string')
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(capgo.keys.get(chosen.id)!.key)
    expect(run.outputs['expires-at']).toBe(capgo.keys.get(chosen.id)!.expires_at)
  })

  it('strategy create fails with a clear message and changes nothing', async () => {
    capgo.addKey({ name: DEFAULT_NAME })
    const run = await rotate({ strategy: 'create' })

    expect(run.failed).toBe(true)
    expect(run.error).toContain('Capgo refused to create a key (400 cannot_create_apikey)')
    expect(run.error).toContain('strategy: regenerate')
    expect(capgo.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST'])
    expect(github.mutatingRequests()).toHaveLength(0)
  })

  it('auto with no key to regenerate fails in preflight, saying how to give one', async () => {
    const run = await rotate()

    expect(run.failed).toBe(true)
    expect(run.error).toContain(`There is no Capgo key named '${DEFAULT_NAME}' to regenerate`)
    expect(run.error).toContain(`name exactly '${DEFAULT_NAME}'`)
    expect(run.error).toContain('https://console.capgo.app/dashboard/apikeys')
    expect(run.error).toContain('previous-key-id')
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('regenerate with several keys of the name asks for previous-key-id', async () => {
    const a = capgo.addKey({ name: DEFAULT_NAME })
    const b = capgo.addKey({ name: DEFAULT_NAME })
    const run = await rotate({ strategy: 'regenerate' })

    expect(run.failed).toBe(true)
    expect(run.error).toContain(`ids ${a.id}, ${b.id}`)
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('regenerate whose only write fails says the old value no longer works', async () => {
    const existing = capgo.addKey({ name: DEFAULT_NAME })
    github.fault('PUT', /CAPGO_TOKEN$/, [404, { message: 'Not Found' }])
    const run = await rotate({ strategy: 'regenerate' })

    expect(run.failed).toBe(true)
    expect(run.error).toContain(
      `Capgo key ${existing.id} was regenerated, so the value the targets hold no longer works`,
    )
    expect(run.error).toContain('run again')
    expect(run.outputs.key).toBeUndefined()
  })

  it('checks write access before regenerating, so a read-only token kills no key', async () => {
    const existing = capgo.addKey({ name: DEFAULT_NAME })
    const before = existing.key
    github.fault('PUT', /CAPGO_ROTATION_WRITE_CHECK_[0-9A-F]{32}$/, [
      403,
      { message: 'Resource not accessible by personal access token' },
      { 'x-accepted-github-permissions': 'secrets=write' },
    ])
    const run = await rotate()

    expect(run.failed).toBe(true)
    expect(run.error).toContain('checking write access to octo/app (repository actions secret CAPGO_TOKEN)')
    expect(run.error).toContain('secrets=write')
    expect(run.error).toContain('Nothing was changed.')
    expect(capgo.keys.get(existing.id)!.key).toBe(before)
    expect(capgo.requests.some((r) => r.method === 'PUT')).toBe(false)
  })

  it('removes the write-check secret again', async () => {
    capgo.addKey({ name: DEFAULT_NAME })
    const run = await rotate()
    expect(run.failed).toBe(false)
    expect(github.secretNames({ repo: 'octo/app' })).toEqual(['CAPGO_TOKEN'])
    const probe = github.requests.filter((r) => /\/CAPGO_ROTATION_WRITE_CHECK_[0-9A-F]{32}$/.test(r.path))
    expect(probe.map((r) => r.method)).toEqual(['PUT', 'DELETE'])
    expect(new Set(probe.map((r) => r.path)).size).toBe(1)
  })

  it('dry-run plans a regenerate without sending any mutating request', async () => {
    const existing = capgo.addKey({ name: DEFAULT_NAME })
    const run = await rotate({ 'dry-run': 'true' })

    expect(run.failed).toBe(false)
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
    expect(run.outputs.strategy).toBe('regenerate')
    expect(run.log).toContain(`Dry run: regenerate Capgo key ${existing.id} in place`)
  })
})

describe('bad inputs fail before any request', () => {
  beforeEach(() => setup('classic'))

  const cases: Array<[string, Record<string, string>, string]> = [
    ['unknown key-mode', { 'key-mode': 'admin' }, "key-mode: 'admin' is not one of read, upload, write, all"],
    ['unknown strategy', { strategy: 'rotate' }, "strategy: 'rotate' is not one of auto, create, regenerate"],
    [
      'secret name with GITHUB_ prefix',
      { 'secret-name': 'GITHUB_CAPGO' },
      "secret-name: 'GITHUB_CAPGO' starts with GITHUB_",
    ],
    [
      'secret name with a leading digit',
      { 'secret-name': '1CAPGO' },
      "secret-name: '1CAPGO' is not a valid secret name",
    ],
    [
      'secret name with a hyphen',
      { 'secret-name': 'CAPGO-TOKEN' },
      "secret-name: 'CAPGO-TOKEN' is not a valid secret name",
    ],
    [
      'secret name with a space',
      { 'secret-name': 'CAPGO TOKEN' },
      "secret-name: 'CAPGO TOKEN' is not a valid secret name",
    ],
    ['non-numeric previous-key-id', { 'previous-key-id': 'abc' }, "previous-key-id: 'abc' is not a whole number"],
    ['expires-in-days of 0', { 'expires-in-days': '0' }, "expires-in-days: '0' is not a whole number from 1 to 365"],
    [
      'expires-in-days of 366',
      { 'expires-in-days': '366' },
      "expires-in-days: '366' is not a whole number from 1 to 365",
    ],
    [
      'a malformed repository',
      { repositories: 'octo/app/extra' },
      "repositories: 'octo/app/extra' is not of the form owner/repo or repo",
    ],
    [
      'a plain-http capgo-api-url',
      { 'capgo-api-url': 'http://capgo.example.com' },
      "capgo-api-url: 'http://capgo.example.com' must use https://",
    ],
    [
      'a capgo-api-url that is not a URL',
      { 'capgo-api-url': 'capgo.example.com' },
      "capgo-api-url: 'capgo.example.com' is not a URL",
    ],
    ['an empty capgo-api-key', { 'capgo-api-key': '' }, 'capgo-api-key is empty'],
    ['an empty github-token', { 'github-token': '' }, 'github-token is empty'],
    ['a non-boolean dry-run', { 'dry-run': 'yes' }, "dry-run: 'yes' is not a boolean"],
  ]

  it.each(cases)('%s', async (_name, extra, message) => {
    const run = await rotate(extra)

    expect(run.failed).toBe(true)
    expect(run.error).toContain(message)
    expect(capgo.requests).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it('an empty credential explains that forks and Dependabot get no secrets', async () => {
    const run = await rotate({ 'capgo-api-key': '  ' })
    expect(run.error).toContain('Secrets are not passed to workflows triggered from forks')
    expect(run.error).toContain('Dependabot')
  })

  it('reports every bad input at once', async () => {
    const run = await rotate({ 'key-mode': 'admin', 'expires-in-days': 'soon' })
    expect(run.error).toContain('key-mode')
    expect(run.error).toContain('expires-in-days')
  })
})
