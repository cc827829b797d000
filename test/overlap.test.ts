import nock from 'nock'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CapgoClient } from '../src/capgo-client.js'
import { createGitHubClient } from '../src/github-client.js'
import { GitHubSecretStore } from '../src/github-secret-store.js'
import { GitHubLease, leaseName, LEASE_TTL_SECONDS } from '../src/lease.js'
import { rotate, type Logger, type RotationReport } from '../src/rotation.js'
import { readSettings } from '../src/settings.js'
import { FakeCapgo, type Generation } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'

// Two runs of one rotation at once (a schedule and a manual run, no concurrency group): rotate()
// twice over the same fakes, each with its own clients and lease, interleaved by latency. Whatever
// the interleaving, no secret may end up holding a dead key, and at worst one run fails.

const TOKEN = 'github_pat_overlap00000000000000000000000'
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(generation: Generation): void {
  nock.cleanAll()
  capgo = new FakeCapgo(generation).install()
  github = new FakeGitHub(TOKEN).install().addRepo('octo/app')
  capgo.latencyMs = 30
  github.latencyMs = 30
}

interface Run {
  readonly report: Promise<RotationReport>
  readonly log: string[]
}

/** One run, as main.ts wires it; `guarded: false` leaves the lease out (a run outside Actions). */
function start(extra: Record<string, string> = {}, options: { guarded?: boolean; run?: string } = {}): Run {
  const inputs = fakeInputs(capgo, github, extra)
  const settings = readSettings((name) => inputs[name] ?? '', { GITHUB_REPOSITORY: 'octo/app' })
  const octokit = createGitHubClient({ token: TOKEN, baseUrl: github.baseUrl, retryBaseMs: 1, timeoutMs: 5000 })
  const lines: string[] = []
  const log: Logger = {
    info: (m) => lines.push(m),
    notice: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: () => undefined,
  }
  const capgoClient = new CapgoClient({
    baseUrl: capgo.baseUrl,
    apiKey: capgo.managingKey.key,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000, sleep: async () => undefined },
    onKeyMaterial: () => undefined,
  })
  const lease =
    options.guarded === false
      ? undefined
      : new GitHubLease(octokit, { owner: 'octo', repo: 'app' }, settings.keyName, options.run, log.warning)
  return {
    report: rotate(settings, {
      capgo: capgoClient,
      store: new GitHubSecretStore(octokit),
      variable: undefined,
      lease,
      log,
    }),
    log: lines,
  }
}

async function outcome(run: Run): Promise<{ report?: RotationReport; error?: string }> {
  try {
    return { report: await run.report }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const held = () => github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
const heldIsLive = () => [...capgo.keys.values()].some((k) => k.key === held())

function previousRotation() {
  const previous = capgo.addKey({ name: NAME })
  github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
  return previous
}

describe('overlapping runs of one rotation', () => {
  it('create: one run takes the lease, the other fails having changed nothing; the secret holds a live key', async () => {
    setup('classic')
    const previous = previousRotation()
    const a = start({}, { run: '111/1' })
    await delay(5)
    const b = start({}, { run: '222/1' })
    const [ra, rb] = await Promise.all([outcome(a), outcome(b)])

    expect(ra.report?.failure).toBeUndefined()
    expect(rb.error).toContain('Another run of this rotation (run 111/1) is under way')
    expect(rb.error).toContain('Nothing was changed')
    expect(heldIsLive()).toBe(true)
    expect(capgo.named(NAME).map((k) => k.id)).toEqual([ra.report!.newKey!.id])
    expect(capgo.keys.has(previous.id)).toBe(false)
    expect(github.variableNames('octo/app')).toEqual([])

    // Once A is done, B's re-run converges.
    const rerun = await outcome(start({}, { run: '222/2' }))
    expect(rerun.report?.failure).toBeUndefined()
    expect(capgo.named(NAME)).toHaveLength(1)
    expect(heldIsLive()).toBe(true)
  })

  it('regenerate: the second run does not regenerate the key the first just wrote', async () => {
    setup('current')
    const key = capgo.addKey({ name: NAME })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', key.key)
    const a = start({}, { run: '111/1' })
    await delay(5)
    const b = start({}, { run: '222/1' })
    const [ra, rb] = await Promise.all([outcome(a), outcome(b)])

    expect(ra.report?.failure).toBeUndefined()
    expect(rb.error).toContain('is under way')
    expect(capgo.requests.filter((r) => r.method === 'PUT')).toHaveLength(1)
    expect(held()).toBe(capgo.keys.get(key.id)!.key)
  })

  it("a lost create's sweep deletes only this run's stray key, under the lease, while the other run waits", async () => {
    setup('classic')
    const previous = previousRotation()
    // Written two days ago: the sweep can prove that no other run wrote it since this run's preflight.
    github.age(2)
    capgo.fault('POST', /^\/apikey\/$/, [504, { error: 'gateway_timeout', message: 'Gateway Timeout' }], {
      afterHandling: true,
    })
    const a = start({}, { run: '111/1' })
    await delay(5)
    const b = start({}, { run: '222/1' })
    const [ra, rb] = await Promise.all([outcome(a), outcome(b)])

    expect(ra.error).toContain('The create went through after all')
    expect(rb.error).toContain('is under way')
    expect(capgo.named(NAME).map((k) => k.id)).toEqual([previous.id])
    expect(held()).toBe(previous.key)
  })

  it("unguarded, a lost create's sweep never deletes a key created after its preflight: another run's may be in a secret", async () => {
    setup('classic')
    previousRotation()
    // The first create to arrive fails with nothing made, but only once the other run's create has
    // gone through: the schedule is fixed by the server, not by timers (whichever run comes first).
    let otherCreated!: () => void
    const created = new Promise<void>((resolve) => {
      otherCreated = resolve
    })
    let creates = 0
    const dispatch = capgo.dispatch.bind(capgo)
    capgo.dispatch = async (method, path, headers, body) => {
      if (method !== 'POST' || !/^\/apikey\/?$/.test(path)) return dispatch(method, path, headers, body)
      if (++creates === 1) {
        await created
        return { kind: 'reply', reply: [504, { error: 'gateway_timeout', message: 'Gateway Timeout' }] }
      }
      const answer = await dispatch(method, path, headers, body)
      otherCreated()
      return answer
    }
    const runs = await Promise.all([outcome(start({}, { guarded: false })), outcome(start({}, { guarded: false }))])
    const lost = runs.find((r) => r.error !== undefined)
    const done = runs.find((r) => r.report !== undefined)

    expect(done?.report?.failure).toBeUndefined()
    expect(lost?.error).toContain("appeared after this run's preflight")
    expect(capgo.keys.has(done!.report!.newKey!.id)).toBe(true)
    expect(heldIsLive()).toBe(true)
  })

  it('a regenerate that was regenerated again meanwhile fails, saying the value written may be dead', async () => {
    setup('current')
    const key = capgo.addKey({ name: NAME })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', key.key)
    // Someone regenerates the key while this run writes it (a person, or a run that ignores the lease).
    const dispatch = github.dispatch.bind(github)
    github.dispatch = async (method, path, headers, body) => {
      if (method === 'PUT' && path.endsWith('/secrets/CAPGO_TOKEN')) {
        const manager = capgo.managingKey.key
        await fetch(`${capgo.baseUrl}/apikey/${key.id}`, {
          method: 'PUT',
          headers: { capgkey: manager, 'content-type': 'application/json' },
          body: JSON.stringify({ regenerate: true }),
        })
      }
      return dispatch(method, path, headers, body)
    }
    const report = await start().report

    expect(report.failure).toContain(`key ${key.id} was regenerated again at`)
    expect(report.failure).toContain('Run again')
  })
})

describe('the lease', () => {
  beforeEach(() => setup('classic'))

  it('is a valid variable name derived from the key-name, different per rotation, holding no key', async () => {
    expect(leaseName(NAME)).toMatch(/^CAPGO_ROTATION_LEASE_[0-9A-F]{20}$/)
    expect(leaseName(NAME)).not.toBe(leaseName(`${NAME}:dependabot`))
    previousRotation()
    capgo.latencyMs = 0
    github.latencyMs = 0
    const run = await runAction({
      repository: 'octo/app',
      inputs: fakeInputs(capgo, github),
      tuning: NO_CAPGO_RETRY_WAITS,
      mustNotLeak: credentialsOf(capgo, github),
      afterRun: () => expectLeaseReleased(github),
    })
    expect(run.failed).toBe(false)
    const post = github.leaseRequests().find((r) => r.method === 'POST')!
    expect((post.body as { name: string }).name).toBe(leaseName(NAME))
    const value = (post.body as { value: string }).value
    for (const secret of capgo.allKeyValues()) expect(value).not.toContain(secret)
    expect(JSON.parse(value)).toMatchObject({ ttl: LEASE_TTL_SECONDS })
    expect(github.leaseRequests().map((r) => r.method)).toEqual(['POST', 'DELETE'])
  })

  it('costs no sequential round trip: taken with the preflight reads, released with the last step', async () => {
    previousRotation()
    // A long round trip, so that "in the same round" and "one round later" cannot be confused.
    capgo.latencyMs = 150
    github.latencyMs = 150
    const report = await start().report
    expect(report.failure).toBeUndefined()
    const all = [...capgo.requests, ...github.requests].sort((x, y) => x.seq - y.seq)
    const leasePost = github.leaseRequests().find((r) => r.method === 'POST')!
    const leaseDelete = github.leaseRequests().find((r) => r.method === 'DELETE')!
    const firstList = capgo.requests.find((r) => r.method === 'GET')!
    const lastDelete = capgo.requests.filter((r) => r.method === 'DELETE').at(-1)!
    // Sent in the same round as the preflight's first read, and as the last delete; nothing after.
    expect(Math.abs(leasePost.at - firstList.at)).toBeLessThan(100)
    expect(Math.abs(leaseDelete.at - lastDelete.at)).toBeLessThan(100)
    expect(all.at(-1)!.at - leaseDelete.at).toBeLessThan(100)
  })

  it('a stale lease (a run that died) is taken over', async () => {
    previousRotation()
    github.setVariable(
      'octo/app',
      leaseName(NAME),
      JSON.stringify({ holder: 'dead', run: '99/1', ttl: LEASE_TTL_SECONDS }),
      github.iso(github.now() - 2 * 3600_000),
    )
    const report = await start().report
    expect(report.failure).toBeUndefined()
    expect(heldIsLive()).toBe(true)
    expect(github.variableNames('octo/app')).toEqual([])
  })

  it('a lease whose answer was lost is found to be ours', async () => {
    previousRotation()
    github.fault('POST', /\/actions\/variables$/, [502, { message: 'Bad Gateway' }], { afterHandling: true })
    const report = await start().report
    expect(report.failure).toBeUndefined()
    expect(github.variableNames('octo/app')).toEqual([])
  })

  // The hunt (seed 54317694): a garbled 200 to the POST, which GitHub had answered 409 (another run
  // holds the lease), was taken for the lease; both runs regenerated the key.
  it('a garbled answer to taking it is no proof: the run looks, and finds the other run holding it', async () => {
    previousRotation()
    github.setVariable(
      'octo/app',
      leaseName(NAME),
      JSON.stringify({ holder: 'alive', run: '77/1', ttl: LEASE_TTL_SECONDS }),
      github.iso(github.now()),
    )
    github.fault('POST', /\/actions\/variables$/, 'malformed', { afterHandling: true })
    const error = (await outcome(start())).error
    expect(error).toContain('Another run of this rotation (run 77/1) is under way')
    expect(error).toContain('Nothing was changed')
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('a garbled answer to its own take is settled by reading it: the lease is ours', async () => {
    previousRotation()
    github.fault('POST', /\/actions\/variables$/, 'malformed', { afterHandling: true })
    const report = await start().report
    expect(report.failure).toBeUndefined()
    expect(heldIsLive()).toBe(true)
    expect(github.variableNames('octo/app')).toEqual([])
  })

  // The hunt (seed 601475734): a passing 404 to one run's take made it run unguarded beside a
  // guarded one; what they left fooled the next, not-due run into retiring a key.
  it('a 404 to taking it, from a repository whose variables the token can list, is no reason to run unguarded', async () => {
    previousRotation()
    github.fault('POST', /\/actions\/variables$/, [404, { message: 'Not Found' }])
    const run = start()
    const result = await outcome(run)
    expect(result.report?.failure).toBeUndefined()
    expect(run.log.some((line) => line.includes('goes on without the lease'))).toBe(false)
    // The 404, a look at the repository's variables (it can list them), at the lease (none), the take again.
    expect(github.requests.some((r) => r.method === 'GET' && /\/actions\/variables$/.test(r.path))).toBe(true)
    expect(github.leaseRequests().map((r) => r.method)).toEqual(['POST', 'GET', 'POST', 'DELETE'])
    expect(heldIsLive()).toBe(true)
  })

  it('a 404 that lasts, from a repository whose variables the token can list, fails before any change', async () => {
    previousRotation()
    github.fault('POST', /\/actions\/variables$/, [404, { message: 'Not Found' }], { every: true })
    const run = start()
    const error = (await outcome(run)).error
    expect(error).toContain('GitHub kept answering 404 although the token can list this repository')
    expect(error).toContain('Nothing was changed')
    expect(run.log.some((line) => line.includes('goes on without the lease'))).toBe(false)
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('a token that may not write variables in the workflow repository (403) fails clearly, before any change', async () => {
    previousRotation()
    github.fault('POST', /\/actions\/variables$/, [
      403,
      { message: 'Resource not accessible by personal access token' },
    ])
    const error = (await outcome(start())).error
    expect(error).toContain(`taking the lease (variable ${leaseName(NAME)} of octo/app`)
    expect(error).toContain('"Variables: Read and write"')
    expect(error).toContain('Nothing was changed')
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('a token that cannot see the workflow repository (404) runs unguarded, with a warning that says what to grant', async () => {
    previousRotation()
    // GitHub answers 404 to every request about a repository the token cannot see.
    github.fault('POST', /\/actions\/variables$/, [404, { message: 'Not Found' }])
    github.fault('GET', /\/actions\/variables$/, [404, { message: 'Not Found' }])
    const run = start()
    const result = await outcome(run)
    expect(result.error).toBeUndefined()
    expect(result.report?.failure).toBeUndefined()
    const warning = run.log.find((line) => line.startsWith('warning: taking the lease'))
    expect(warning).toContain('goes on without the lease')
    expect(warning).toContain('Variables: Read and write')
    expect(heldIsLive()).toBe(true)
  })
})
