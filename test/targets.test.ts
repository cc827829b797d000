import nock from 'nock'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Tuning } from '../src/settings.js'
import { FakeCapgo } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'
import { summaryText } from './support/summary-text.js'

// Every kind of target: repository and organization secrets of both types, environment secrets,
// GitHub Enterprise Server, and GitHub's faults. Each secret is opened with its own key pair.

const TOKEN = 'ghp_targetstesttoken0000000000000000000'

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(baseUrl?: string): void {
  nock.cleanAll()
  capgo = new FakeCapgo('classic').install()
  github = new FakeGitHub(TOKEN, baseUrl).install()
}

// The default key-name applies only to the workflow's own repository: name the rotation as the old default did.
const defaultName = (extra: Record<string, string>) =>
  `github-actions:octo/app:${extra.environment ? `${extra.environment}:` : ''}CAPGO_TOKEN`
const rotate = (extra: Record<string, string>, tuning: Partial<Tuning> = NO_CAPGO_RETRY_WAITS) =>
  runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, { 'key-name': defaultName(extra), ...extra }),
    tuning,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })

function newKey(name: string): string {
  const keys = capgo.named(name)
  expect(keys).toHaveLength(1)
  return keys[0]!.key
}

describe('a mix of targets in one run', () => {
  beforeEach(() => setup())

  it('writes repository and organization secrets of both types, keeping a selected visibility intact', async () => {
    github.addRepo('octo/app').addRepo('octo/web').addOrg('octo')
    github.seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', { visibility: 'selected', selected_repository_ids: [5901, 5902] })
    const run = await rotate({ repositories: 'app, web', organization: 'octo', 'secret-types': 'actions\ndependabot' })

    expect(run.error).toBeUndefined()
    const key = newKey('github-actions:octo/app:CAPGO_TOKEN')
    for (const repo of ['octo/app', 'octo/web']) {
      expect(github.decrypt({ repo, type: 'actions' }, 'CAPGO_TOKEN')).toBe(key)
      expect(github.decrypt({ repo, type: 'dependabot' }, 'CAPGO_TOKEN')).toBe(key)
    }
    expect(github.decrypt({ org: 'octo', type: 'actions' }, 'CAPGO_TOKEN')).toBe(key)
    expect(github.decrypt({ org: 'octo', type: 'dependabot' }, 'CAPGO_TOKEN')).toBe(key)
    // The existing selection was read and sent back; the new Dependabot org secret is private.
    expect(github.stored({ org: 'octo', type: 'actions' }, 'CAPGO_TOKEN')).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [5901, 5902],
    })
    expect(github.stored({ org: 'octo', type: 'dependabot' }, 'CAPGO_TOKEN')).toMatchObject({ visibility: 'private' })

    expect(JSON.parse(run.outputs.targets!)).toEqual([
      { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN', result: 'created' },
      { kind: 'repository', type: 'dependabot', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN', result: 'created' },
      { kind: 'repository', type: 'actions', owner: 'octo', repo: 'web', secret: 'CAPGO_TOKEN', result: 'created' },
      { kind: 'repository', type: 'dependabot', owner: 'octo', repo: 'web', secret: 'CAPGO_TOKEN', result: 'created' },
      { kind: 'organization', type: 'actions', owner: 'octo', secret: 'CAPGO_TOKEN', result: 'updated' },
      { kind: 'organization', type: 'dependabot', owner: 'octo', secret: 'CAPGO_TOKEN', result: 'created' },
    ])
    expect(summaryText(run.summary)).toContain(
      'octo | organization, Actions, visible to 2 selected repositories | updated',
    )
    // One public-key read per target, one write per target, nothing read twice.
    const keyReads = github.requests.filter((r) => r.path.endsWith('/public-key')).map((r) => r.path)
    expect(keyReads).toHaveLength(6)
    expect(new Set(keyReads).size).toBe(6)
    expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(6)
  })

  it('seals each collection with its own key: no other key pair opens it', async () => {
    github.addRepo('octo/app', { environments: ['production'] }).addOrg('octo')
    for (const run of [
      await rotate({ repositories: 'app', organization: 'octo' }),
      await rotate({ repositories: 'app', 'secret-types': 'dependabot' }),
      await rotate({ repositories: 'app', environment: 'production' }),
    ]) {
      expect(run.error).toBeUndefined()
    }

    const repo = { repo: 'octo/app', type: 'actions' } as const
    const dependabot = { repo: 'octo/app', type: 'dependabot' } as const
    const environment = { repo: 'octo/app', environment: 'production' }
    const org = { org: 'octo' }
    // Each opens with its own key pair, and the failure below is libsodium's, not a missing secret.
    expect(github.decrypt(environment, 'CAPGO_TOKEN')).toBe(newKey('github-actions:octo/app:production:CAPGO_TOKEN'))
    for (const scope of [repo, dependabot, org]) expect(github.decrypt(scope, 'CAPGO_TOKEN')).toMatch(/^[0-9a-f-]{36}$/)
    const wrongKey = /incorrect key pair|wrong secret key/
    expect(() => github.decryptWith(environment, 'CAPGO_TOKEN', repo)).toThrow(wrongKey)
    expect(() => github.decryptWith(repo, 'CAPGO_TOKEN', environment)).toThrow(wrongKey)
    expect(() => github.decryptWith(dependabot, 'CAPGO_TOKEN', repo)).toThrow(wrongKey)
    expect(() => github.decryptWith(org, 'CAPGO_TOKEN', repo)).toThrow(wrongKey)
  })
})

describe('environment secrets', () => {
  beforeEach(() => setup())

  it('writes the environment of each repository, with its name URL-encoded', async () => {
    github.addRepo('octo/app', { environments: ['prod eu/1'] }).addRepo('octo/web', { environments: ['prod eu/1'] })
    const run = await rotate({ repositories: 'app,web', environment: 'prod eu/1' })

    expect(run.error).toBeUndefined()
    const key = newKey('github-actions:octo/app:prod eu/1:CAPGO_TOKEN')
    expect(github.decrypt({ repo: 'octo/app', environment: 'prod eu/1' }, 'CAPGO_TOKEN')).toBe(key)
    expect(github.decrypt({ repo: 'octo/web', environment: 'prod eu/1' }, 'CAPGO_TOKEN')).toBe(key)
    expect(github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBeUndefined()
    expect(github.requests.some((r) => r.path.includes('/environments/prod%20eu%2F1/secrets/'))).toBe(true)
    expect(JSON.parse(run.outputs.targets!)[0]).toEqual({
      kind: 'environment',
      type: 'actions',
      owner: 'octo',
      repo: 'app',
      environment: 'prod eu/1',
      secret: 'CAPGO_TOKEN',
      result: 'created',
    })
  })

  it('finds a missing environment in preflight, before any key is created', async () => {
    github.addRepo('octo/app', { environments: ['production'] }).addRepo('octo/web')
    const run = await rotate({ repositories: 'app,web', environment: 'production' })

    expect(run.failed).toBe(true)
    expect(run.error).toContain("reading the public key of octo/web environment 'production'")
    expect(run.error).toContain("environment 'production' of octo/web (create it under Settings → Environments)")
    expect(run.error).toContain('Nothing was changed.')
    expect(capgo.mutatingRequests()).toHaveLength(0)
    expect(github.mutatingRequests()).toHaveLength(0)
  })
})

describe('organization secrets', () => {
  beforeEach(() => setup())

  it('writes only the organization secret when organization is set alone, private when new', async () => {
    github.addRepo('octo/app').addOrg('octo')
    const run = await rotate({ organization: 'octo' })

    expect(run.error).toBeUndefined()
    expect(github.stored({ org: 'octo' }, 'CAPGO_TOKEN')).toMatchObject({ visibility: 'private' })
    expect(github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBeUndefined()
    expect(JSON.parse(run.outputs.targets!)).toHaveLength(1)
  })

  it('keeps an existing visibility of all', async () => {
    github.addOrg('octo').seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', { visibility: 'all' })
    await rotate({ organization: 'octo' })
    expect(github.stored({ org: 'octo' }, 'CAPGO_TOKEN')).toMatchObject({ visibility: 'all' })
  })

  it('sets the visibility asked for, turning repository names into ids', async () => {
    github.addRepo('octo/app').addRepo('octo/web').addOrg('octo')
    github.seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', { visibility: 'all' })
    const run = await rotate({
      organization: 'octo',
      'org-visibility': 'selected',
      'org-selected-repositories': 'app, octo/web',
    })

    expect(run.error).toBeUndefined()
    expect(github.stored({ org: 'octo' }, 'CAPGO_TOKEN')).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [github.repoIds.get('octo/app'), github.repoIds.get('octo/web')],
    })
  })

  it('fails in preflight when a selected repository does not exist', async () => {
    github.addOrg('octo')
    const run = await rotate({
      organization: 'octo',
      'org-visibility': 'selected',
      'org-selected-repositories': 'ghost',
    })
    expect(run.failed).toBe(true)
    expect(run.error).toContain('looking up repository octo/ghost for org-selected-repositories: 404')
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('dry-run shows the visibility it would keep, and changes nothing', async () => {
    github
      .addOrg('octo')
      .seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', { visibility: 'selected', selected_repository_ids: [7] })
    const run = await rotate({ organization: 'octo', 'dry-run': 'true' })
    expect(run.log).toContain(
      'Dry run: write organization octo (organization actions secret CAPGO_TOKEN): updated, keeping visibility selected (repository ids 7)',
    )
    expect(github.mutatingRequests()).toHaveLength(0)
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })
})

describe('GitHub Enterprise Server', () => {
  it('sends every GitHub request to the github-api-url base', async () => {
    setup('https://ghe.example.com/api/v3')
    github.addRepo('octo/app').addOrg('octo')
    const run = await rotate({ repositories: 'app', organization: 'octo' })

    expect(run.error).toBeUndefined()
    expect(github.requests.length).toBeGreaterThan(0)
    for (const request of github.requests) expect(request.path.startsWith('/api/v3/')).toBe(true)
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(newKey('github-actions:octo/app:CAPGO_TOKEN'))
  })
})

describe('rate limits and a flaky service', () => {
  beforeEach(() => {
    setup()
    github.addRepo('octo/app')
  })

  it('retries a 503 "Secrets service unavailable" and succeeds', async () => {
    github.fault('GET', /public-key$/, [503, { message: 'Secrets service unavailable' }])
    github.fault('PUT', /CAPGO_TOKEN$/, [503, { message: 'Secrets service unavailable' }])
    const run = await rotate({})
    expect(run.error).toBeUndefined()
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(newKey('github-actions:octo/app:CAPGO_TOKEN'))
    expect(github.requests.filter((r) => r.method === 'PUT')).toHaveLength(2)
  })

  it('waits for Retry-After on a 429 and succeeds', async () => {
    github.fault('PUT', /CAPGO_TOKEN$/, [429, { message: 'Too many requests' }, { 'retry-after': '1' }])
    const started = Date.now()
    const run = await rotate({})
    expect(run.error).toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(run.log).toContain('waiting 1 s (Retry-After)')
  })

  it('waits out a secondary rate limit and succeeds', async () => {
    github.fault('PUT', /CAPGO_TOKEN$/, [
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'retry-after': '1' },
    ])
    const run = await rotate({})
    expect(run.error).toBeUndefined()
    expect(run.log).toContain('GitHub secondary rate limit hit on PUT')
  })

  it('fails with a clear message, not a hang, when GitHub keeps failing', async () => {
    github.fault('GET', /public-key$/, [503, { message: 'Secrets service unavailable' }], { times: 10 })
    const run = await rotate({}, { ...NO_CAPGO_RETRY_WAITS, githubRetries: 1 })
    expect(run.failed).toBe(true)
    expect(run.error).toContain(
      'reading the public key of octo/app (repository actions secret CAPGO_TOKEN): 503 Secrets service unavailable',
    )
    expect(run.error).toContain('GitHub kept failing after retries')
    expect(github.requests.filter((r) => r.path.endsWith('public-key'))).toHaveLength(2)
  })

  it('fails on a rate limit that resets too late, saying when to run again', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600
    github.fault('GET', /public-key$/, [
      403,
      { message: 'API rate limit exceeded' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    ])
    const run = await rotate({})
    expect(run.failed).toBe(true)
    expect(run.error).toContain(`rate limit is used up until ${new Date(reset * 1000).toISOString()}`)
  })

  it('keeps reads and writes to many repositories under their concurrency bounds', async () => {
    const repos = Array.from({ length: 24 }, (_, i) => `octo/r${i}`)
    for (const repo of repos) github.addRepo(repo)
    github.latencyMs = 50
    const run = await rotate({ repositories: repos.join(',') })
    expect(run.error).toBeUndefined()
    // Upper bounds only: how close a run gets to them depends on the machine's load.
    expect(github.maxInFlightByMethod.get('GET')).toBeGreaterThan(1)
    expect(github.maxInFlightByMethod.get('GET')).toBeLessThanOrEqual(10)
    expect(github.maxInFlightByMethod.get('PUT')).toBeGreaterThan(1)
    expect(github.maxInFlightByMethod.get('PUT')).toBeLessThanOrEqual(5)
  })
})

describe('messages a user can act on', () => {
  beforeEach(() => {
    setup()
    github.addRepo('octo/app').addOrg('octo')
  })

  it('points out the workflow GITHUB_TOKEN on "Resource not accessible by integration"', async () => {
    github.fault('GET', /public-key$/, [403, { message: 'Resource not accessible by integration' }])
    const run = await rotate({})
    expect(run.error).toContain("The workflow's own GITHUB_TOKEN cannot write secrets at all")
    expect(run.error).toContain('the repository permission "Secrets: Read and write"')
  })

  it('quotes X-Accepted-GitHub-Permissions on a 403', async () => {
    github.fault('GET', /orgs\/octo\/actions\/secrets\/public-key$/, [
      403,
      { message: 'Resource not accessible by personal access token' },
      { 'x-accepted-github-permissions': 'organization_secrets=read' },
    ])
    const run = await rotate({ organization: 'octo' })
    expect(run.error).toContain(
      'reading the public key of organization octo (organization actions secret CAPGO_TOKEN): 403',
    )
    expect(run.error).toContain('GitHub accepts these permissions: organization_secrets=read')
  })

  it('names the missing organization on a 404', async () => {
    const run = await rotate({ organization: 'ghost-org' })
    expect(run.error).toContain('The organization ghost-org does not exist, or the token cannot see it')
  })

  it("quotes GitHub's reason on a 422", async () => {
    github.fault('PUT', /CAPGO_TOKEN$/, [422, { message: 'Secret names must not exceed 255 characters' }])
    const run = await rotate({})
    expect(run.error).toContain('422 Secret names must not exceed 255 characters')
  })

  it('says the token is invalid on a 401', async () => {
    const run = await runAction({
      repository: 'octo/app',
      inputs: fakeInputs(capgo, github, { 'github-token': 'ghp_revoked' }),
      tuning: NO_CAPGO_RETRY_WAITS,
      mustNotLeak: () => ['ghp_revoked', ...capgo.allKeyValues()],
    })
    expect(run.error).toContain('401 Bad credentials. github-token is invalid, expired or revoked')
  })
})
