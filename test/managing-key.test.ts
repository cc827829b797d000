import nock from 'nock'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { readSettings, type SettingsError, type Tuning } from '../src/settings.js'
import { FakeCapgo, type FakeKey, type Generation } from './support/fake-capgo.js'
import { FakeGitHub, type Scope } from './support/fake-github.js'
import { serve, type FaultAction, type FaultOptions } from './support/fake-http.js'
import {
  type ActionRun,
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'
import { summaryText } from './support/summary-text.js'

// The managing-key renewal (managing-key-secret) over loopback HTTP, so that hangs and resets are
// real: runs in series must keep the managing key renewed, and a fault in any request of the
// renewal must leave the managing-key secret holding a live key that a re-run succeeds with.

const TOKEN = 'github_pat_11AAAAAAA0managingtokenvalue0123456'
const ADMIN = 'CAPGO_ADMIN_KEY'
const ROTATED = 'github-actions:octo/app:CAPGO_TOKEN'
const PAIR = 'github-actions:octo/app:CAPGO_ADMIN_KEY'
const REPO: Scope = { repo: 'octo/app' }
const GITHUB_SECRET = new RegExp(`/repos/octo/app/actions/secrets/${ADMIN}$`)
// Short timeouts and backoffs: a hang costs a few hundred milliseconds.
const FAST: Partial<Tuning> = { ...NO_CAPGO_RETRY_WAITS, timeoutMs: 300, githubRetries: 2 }

let capgo: FakeCapgo
let github: FakeGitHub
let closers: Array<() => Promise<void>> = []

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  nock.disableNetConnect()
})

beforeEach(() => {
  vi.stubEnv('CAPGO_ROTATION_RETRY_BASE_MS', '5')
})

afterEach(async () => {
  await Promise.all(closers.map((close) => close()))
  closers = []
  vi.unstubAllEnvs()
})

/**
 * Capgo and GitHub as servers. On current Capgo the user made two managing keys named PAIR and the
 * rotated key once by hand; everywhere, the managing-key secret holds capgo-api-key already.
 */
async function setup(generation: Generation, scope: Scope = REPO): Promise<void> {
  const servedCapgo = await serve(new FakeCapgo(generation, 'http://127.0.0.1'))
  const servedGitHub = await serve(new FakeGitHub(TOKEN, 'http://127.0.0.1/api/v3'), '/api/v3')
  closers.push(servedCapgo.close, servedGitHub.close)
  capgo = servedCapgo.fake
  github = servedGitHub.fake
  github.addRepo('octo/app', { environments: ['capgo-rotation'] })
  if (generation === 'current') {
    capgo.managingKey.name = PAIR
    capgo.addManagingKey(PAIR)
    capgo.addKey({ name: ROTATED })
  }
  // Stored by a person (or an earlier run) a day ago: GitHub's timestamps have whole seconds.
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
  github.sealAndStore(scope, ADMIN, capgo.managingKey.key, { created_at: dayAgo, updated_at: dayAgo })
}

/** The managing key the secret holds now: what the next run passes as capgo-api-key. */
function held(scope: Scope = REPO): string {
  return github.decrypt(scope, ADMIN)
}

function keyOf(value: string): FakeKey {
  const key = [...capgo.keys.values()].find((k) => k.key === value)
  if (!key) throw new Error('the value is no live key')
  return key
}

function renew(extra: Record<string, string> = {}, scope: Scope = REPO): Promise<ActionRun> {
  return runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, { 'capgo-api-key': held(scope), 'managing-key-secret': ADMIN, ...extra }),
    tuning: FAST,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })
}

/** What must hold after any run: both secrets open to live keys. */
function expectLiveSecrets(scope: Scope = REPO): void {
  expect(capgo.isAlive(held(scope)), 'the managing-key secret holds a live key').toBe(true)
  expect(capgo.isAlive(github.decrypt(REPO, 'CAPGO_TOKEN')), 'the rotated secret holds a live key').toBe(true)
}

describe.each<Generation>(['classic', 'current'])('%s Capgo: runs in series', (generation) => {
  beforeEach(() => setup(generation))

  it('renews the managing key on every run, and the next run works with the stored value', async () => {
    const seen = new Set<string>()
    for (let round = 0; round < 4; round++) {
      const before = held()
      const beforeId = keyOf(before).id
      seen.add(before)
      const run = await renew()

      expect(run.error).toBeUndefined()
      expect(run.failed).toBe(false)
      // The run authenticated with the value the previous run stored.
      expect(capgo.requests.at(-1)!.headers.capgkey).toBeDefined()
      expect(capgo.requests.some((r) => r.headers.capgkey === before)).toBe(true)
      const after = held()
      expect(after).not.toBe(before)
      expect(seen.has(after)).toBe(false)
      expectLiveSecrets()
      expect(run.outputs['managing-key-id']).toBe(String(keyOf(after).id))
      // The managing key never lands in the key output, which holds the rotated key.
      expect(run.outputs.key).toBe(github.decrypt(REPO, 'CAPGO_TOKEN'))
      expect(summaryText(run.summary)).toContain(
        `key ${keyOf(after).id} now stored in repository secret ${ADMIN} of octo/app`,
      )

      if (generation === 'classic') {
        // Created with the same name and mode, the old one deleted last.
        expect(keyOf(after)).toMatchObject({ name: 'ci key manager', mode: 'all' })
        expect(capgo.isAlive(before)).toBe(false)
        expect(capgo.named('ci key manager')).toHaveLength(1)
        const mutating = capgo.mutatingRequests()
        expect(mutating.at(-1)).toMatchObject({ method: 'DELETE', path: `/apikey/${beforeId}` })
      } else {
        // The key used in the run stays valid until the next run regenerates it in turn.
        expect(capgo.isAlive(before)).toBe(true)
        expect(capgo.named(PAIR)).toHaveLength(2)
        expect(keyOf(after).id).not.toBe(beforeId)
      }
    }
  })

  it('plans the renewal on a dry run, changing nothing', async () => {
    const before = held()
    const run = await renew({ 'dry-run': 'true' })
    expect(run.failed).toBe(false)
    expect(run.log).toMatch(/Dry run: then renew the managing key/)
    expect(run.outputs['managing-key-id']).toBe('')
    expect(capgo.mutatingRequests()).toEqual([])
    expect(github.mutatingRequests()).toEqual([])
    expect(held()).toBe(before)
  })

  it('does not renew on a run that rotate-after-days skips', async () => {
    await renew()
    const stored = held()
    const writes = github.mutatingRequests().length
    const run = await renew({ 'rotate-after-days': '7' })
    expect(run.failed).toBe(false)
    expect(run.outputs.rotated).toBe('false')
    expect(run.outputs['managing-key-id']).toBe('')
    expect(held()).toBe(stored)
    expect(github.mutatingRequests()).toHaveLength(writes)
  })

  it('stores it as an environment secret with managing-key-environment', async () => {
    const env: Scope = { repo: 'octo/app', environment: 'capgo-rotation' }
    await Promise.all(closers.map((close) => close()))
    closers = []
    await setup(generation, env)
    const pairName = 'github-actions:octo/app:capgo-rotation:CAPGO_ADMIN_KEY'
    if (generation === 'current') for (const key of capgo.named(PAIR)) key.name = pairName
    const before = held(env)
    const run = await renew({ 'managing-key-environment': 'capgo-rotation' }, env)
    expect(run.error).toBeUndefined()
    expect(held(env)).not.toBe(before)
    expect(capgo.isAlive(held(env))).toBe(true)
    expect(github.stored(REPO, ADMIN)).toBeUndefined()
  })
})

describe('current Capgo: the pair', () => {
  beforeEach(() => setup('current'))

  it('regenerates the other key when the one regenerated longest ago is capgo-api-key itself', async () => {
    const [self, other] = capgo.named(PAIR) as [FakeKey, FakeKey]
    self.updated_at = '2020-01-01T00:00:00.000Z'
    other.updated_at = '2021-01-01T00:00:00.000Z'
    const run = await renew()
    expect(run.error).toBeUndefined()
    expect(run.log).toContain(`Managing key ${self.id} is capgo-api-key itself`)
    expect(keyOf(held()).id).toBe(other.id)
    expect(capgo.isAlive(self.key)).toBe(true)
  })

  it.each([
    [1, 'create one more'],
    [3, 'delete all but two'],
  ])('fails in preflight with %i managing key(s), saying what to do', async (count, advice) => {
    if (count === 1) capgo.keys.delete(capgo.named(PAIR).find((k) => k.id !== capgo.managingKey.id)!.id)
    else capgo.addManagingKey(PAIR)
    const run = await renew()
    expect(run.failed).toBe(true)
    expect(run.error).toContain(`named exactly '${PAIR}'`)
    expect(run.error).toContain('apikey_manager')
    expect(run.error).toContain('https://console.capgo.app/dashboard/apikeys')
    expect(run.error).toContain(advice)
    expect(capgo.mutatingRequests()).toEqual([])
    expect(github.mutatingRequests()).toEqual([])
  })
})

describe('settings', () => {
  const read = (inputs: Record<string, string>) =>
    readSettings((name) => ({ 'capgo-api-key': 'k', 'github-token': 't', ...inputs })[name] ?? '', {
      GITHUB_REPOSITORY: 'octo/app',
    })
  const problems = (inputs: Record<string, string>): readonly string[] => {
    try {
      read(inputs)
      return []
    } catch (error) {
      return (error as SettingsError).problems
    }
  }

  it('reads managing-key-secret and managing-key-environment', () => {
    expect(read({ 'managing-key-secret': ADMIN, 'managing-key-environment': 'capgo-rotation' })).toMatchObject({
      managingKeySecret: ADMIN,
      managingKeyEnvironment: 'capgo-rotation',
    })
  })

  it('refuses a bad name, the environment alone, and the rotated secret itself', () => {
    expect(problems({ 'managing-key-secret': 'capgo-admin' })[0]).toMatch(
      /^managing-key-secret: 'capgo-admin' is not a valid secret name/,
    )
    expect(problems({ 'managing-key-environment': 'prod' })).toEqual([
      "managing-key-environment: 'prod' is set but managing-key-secret is not",
    ])
    expect(problems({ 'managing-key-secret': 'capgo_token' })[0]).toMatch(
      /is the very secret that secret-name writes in octo\/app/,
    )
    // One would shadow the other in this repository's workflows.
    expect(problems({ 'managing-key-secret': 'CAPGO_TOKEN', 'managing-key-environment': 'prod' })[0]).toMatch(/shadow/)
    // Another repository's secret of that name is another place.
    expect(
      problems({
        'managing-key-secret': 'CAPGO_TOKEN',
        repositories: 'octo/other',
        'key-name': 'rotation of octo/other',
      }),
    ).toEqual([])
  })
})

describe('classic Capgo: a write of the managing key whose answer was lost', () => {
  beforeEach(() => setup('classic'))
  const SERVER_ERROR: FaultAction = [500, { message: 'Server Error' }]

  it("is read back like a target's: proven not written, the new key is deleted again", async () => {
    const before = held()
    github.fault('PUT', GITHUB_SECRET, SERVER_ERROR, { from: 1 })
    const run = await renew()
    expect(run.failed).toBe(true)
    expect(run.error).toMatch(/writing octo\/app \(repository actions secret CAPGO_ADMIN_KEY\): 500 Server Error/)
    expect(run.error).toMatch(/\(verified not written: the secret is still as preflight read it \(updated at [^)]+\)\)/)
    expect(run.error).toMatch(/Key \d+ was deleted again/)
    expect(held()).toBe(before)
    expect(capgo.isAlive(before)).toBe(true)
    // No successor left for a person to delete.
    expect(capgo.named('ci key manager')).toHaveLength(1)
  })

  it('leaves both keys alive, saying why, when reading it back fails too', async () => {
    const before = held()
    github.fault('PUT', GITHUB_SECRET, SERVER_ERROR, { from: 1 })
    // Spares preflight's read; fails the one before the write and the read back.
    github.fault('GET', GITHUB_SECRET, SERVER_ERROR, { from: 2 })
    const run = await renew()
    expect(run.failed).toBe(true)
    expect(run.error).toMatch(/could not be verified \(reading it back failed too \(verifying the write of octo\/app/)
    expect(run.error).toMatch(/delete whichever of keys \d+ and \d+ it does not hold/)
    expect(held()).toBe(before)
    expect(capgo.isAlive(before)).toBe(true)
    expect(capgo.named('ci key manager')).toHaveLength(2)
  })
})

// ---- faults in every request of the renewal ----

interface Cell {
  readonly name: string
  readonly service: 'capgo' | 'github'
  readonly method: string
  /** The path, given the ids of the managing keys (current: the pair). */
  readonly path: (ids: readonly number[]) => RegExp
  /** Which matching request is the renewal's first (1-based): earlier ones belong to the rotation or preflight. */
  readonly from: number
}

const either = (ids: readonly number[]) => new RegExp(`^/apikey/(?:${ids.join('|')})$`)

const CELLS: Record<Exclude<Generation, 'documented'>, Cell[]> = {
  classic: [
    { name: 'create', service: 'capgo', method: 'POST', path: () => /^\/apikey\/$/, from: 2 },
    { name: 'proof list (and sweep list)', service: 'capgo', method: 'GET', path: () => /^\/apikey\/$/, from: 2 },
    { name: 'secret metadata', service: 'github', method: 'GET', path: () => GITHUB_SECRET, from: 2 },
    { name: 'secret write', service: 'github', method: 'PUT', path: () => GITHUB_SECRET, from: 1 },
    { name: 'delete old managing key', service: 'capgo', method: 'DELETE', path: either, from: 1 },
  ],
  current: [
    { name: 'regenerate', service: 'capgo', method: 'PUT', path: either, from: 1 },
    { name: 'secret metadata', service: 'github', method: 'GET', path: () => GITHUB_SECRET, from: 2 },
    { name: 'secret write', service: 'github', method: 'PUT', path: () => GITHUB_SECRET, from: 1 },
  ],
}

const FAULTS: ReadonlyArray<readonly [string, (service: 'capgo' | 'github') => FaultAction, FaultOptions]> = [
  [
    '500',
    (s) => [500, s === 'capgo' ? { error: 'internal_error', message: 'Internal error' } : { message: 'Server Error' }],
    {},
  ],
  [
    '401',
    (s) => [
      401,
      s === 'capgo' ? { error: 'invalid_apikey', message: 'Invalid API key' } : { message: 'Bad credentials' },
    ],
    {},
  ],
  [
    '422',
    (s) => [
      422,
      s === 'capgo' ? { error: 'unprocessable', message: 'Unprocessable' } : { message: 'Invalid request.' },
    ],
    {},
  ],
  ['reset', () => 'reset', {}],
  ['hang', () => 'hang', {}],
  [
    '500 after applying',
    (s) => [500, s === 'capgo' ? { error: 'internal_error', message: 'Internal error' } : { message: 'Server Error' }],
    { afterHandling: true },
  ],
  ['reset after applying', () => 'reset', { afterHandling: true }],
  ['hang after applying', () => 'hang', { afterHandling: true }],
]

describe.each<Exclude<Generation, 'documented'>>(['classic', 'current'])(
  '%s Capgo: a fault in the renewal',
  (generation) => {
    beforeEach(() => setup(generation))

    const cells = CELLS[generation].flatMap((cell) =>
      FAULTS.map(([fault, action, options]) => ({ cell, fault, action, options })),
    )
    it.each(cells.map((c) => [`${c.cell.name}: ${c.fault}`, c] as const))(
      '%s',
      async (_label, { cell, action, options }) => {
        const ids = generation === 'classic' ? [capgo.managingKey.id] : capgo.named(PAIR).map((k) => k.id)
        const fake = cell.service === 'capgo' ? capgo : github
        // The fault outlasts every retry: it fires on every matching request of the renewal.
        fake.fault(cell.method, cell.path(ids), action(cell.service), { ...options, from: cell.from })

        const before = held()
        const faulted = await renew()
        expect(
          fake.requests.filter((r) => r.method === cell.method && cell.path(ids).test(r.path)).length,
          'the fault was reached',
        ).toBeGreaterThanOrEqual(cell.from)
        // The rotation's result stands, and both secrets hold live keys.
        expect(faulted.outputs.rotated).toBe('true')
        expectLiveSecrets()
        // A failed metadata read only costs the check; a write that went through is proven by it.
        const survives =
          cell.name === 'secret metadata' || (cell.name === 'secret write' && options.afterHandling === true)
        expect(faulted.failed).toBe(!survives)
        if (faulted.failed) {
          expect(faulted.outputs['managing-key-id']).toBe('')
          expect(faulted.error).toMatch(/renewing the managing key failed/)
          // Whatever the secret holds now, capgo-api-key was never given up unless the secret holds its successor.
          if (held() === before) expect(capgo.isAlive(before)).toBe(true)
        } else {
          expect(held()).not.toBe(before)
          expect(faulted.outputs['managing-key-id']).toBe(String(keyOf(held()).id))
        }

        fake.clearFaults()
        const rerun = await renew()
        expect(rerun.error).toBeUndefined()
        expect(rerun.failed).toBe(false)
        expectLiveSecrets()
        expect(rerun.outputs['managing-key-id']).toBe(String(keyOf(held()).id))
        if (generation === 'classic') {
          // No stray managing key, but those the error names for a person to delete: an unverified write's
          // successor (left alive by design), or an old key whose delete did not go through.
          const unverified =
            cell.name === 'secret write' && !survives && faulted.error!.includes('could not be verified')
          const undeleted = cell.name === 'delete old managing key' && !options.afterHandling
          if (unverified || undeleted) expect(faulted.error).toMatch(/delete (whichever of keys|key) \d+/i)
          expect(capgo.named('ci key manager')).toHaveLength(unverified || undeleted ? 2 : 1)
        } else {
          expect(capgo.named(PAIR)).toHaveLength(2)
        }
      },
    )
  },
)
