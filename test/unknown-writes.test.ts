import nock from 'nock'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeCapgo } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import { serve } from './support/fake-http.js'
import { fakeInputs, NO_CAPGO_RETRY_WAITS, runAction } from './support/run-action.js'
import { summaryText } from './support/summary-text.js'

// A secret write whose answer is lost (the PUT applied, then a 502 or a reset on every attempt) may
// have landed. Such a write is read back, and only such a write; until it is proven either way
// the target may hold the new key, so the new key is not rolled back and the previous key lives.

const TOKEN = 'github_pat_unknownwrites000000000000000000'
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const SECRET_PUT = /\/repos\/octo\/app\/actions\/secrets\/CAPGO_TOKEN$/
const LOST = [502, { message: 'Bad Gateway' }] as [number, unknown]

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

function setup(): void {
  nock.cleanAll()
  capgo = new FakeCapgo('classic').install()
  github = new FakeGitHub(TOKEN).install().addRepo('octo/app')
}

/** The state an earlier rotation left: the secret holds `previous`, written days ago. */
function previousRotation() {
  const previous = capgo.addKey({ name: NAME })
  github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
  github.age(3)
  return previous
}

const rotate = (extra: Record<string, string> = {}) =>
  runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    env: { CAPGO_ROTATION_RETRY_BASE_MS: '1' },
    mustNotLeak: () => [TOKEN, ...capgo.allKeyValues()],
  })

const held = () => github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
const metadataReads = () => github.requests.filter((r) => r.method === 'GET' && SECRET_PUT.test(r.path))
const live = (value: string) => [...capgo.keys.values()].some((k) => k.key === value)

describe('a write whose answer was lost', () => {
  beforeEach(() => setup())

  it('is read back and counted as written when the secret changed after it began; then the old key goes', async () => {
    const previous = previousRotation()
    github.fault('PUT', SECRET_PUT, LOST, { every: true, afterHandling: true })
    // Each request takes GitHub's clock on 1.5 s, so the change is provably after the write began.
    github.clockStepMs = 1500
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(metadataReads()).toHaveLength(1)
    expect(run.log).toContain("the write's answer was lost, but the secret changed after it began: written")
    const id = Number(run.outputs['key-id'])
    expect(held()).toBe(capgo.keys.get(id)!.key)
    expect(capgo.keys.has(previous.id)).toBe(false)
    expect(JSON.parse(run.outputs.targets!)[0].result).toBe('updated')
  })

  it("uses GitHub's Date header, not the runner's clock: GitHub an hour behind still proves the write", async () => {
    previousRotation()
    github.clockSkewMs = -3_600_000
    github.clockStepMs = 1500
    github.fault('PUT', SECRET_PUT, LOST, { every: true, afterHandling: true })
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(live(held())).toBe(true)
  })

  it('GitHub an hour ahead: a write that did not land is proven so, and the new key is rolled back', async () => {
    const previous = previousRotation()
    github.clockSkewMs = 3_600_000
    // Updated half an hour ago in GitHub's clock: after the write began by the runner's clock, and
    // well before it by GitHub's (beyond CLOCK_TOLERANCE_MS).
    github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')!.updated_at = github.iso(github.now() - 1_800_000)
    github.fault('PUT', SECRET_PUT, LOST, { every: true })
    const run = await rotate()

    expect(run.failed).toBe(true)
    expect(run.error).toContain('verified not written')
    expect(run.error).toContain('the new key')
    expect(capgo.named(NAME).map((k) => k.id)).toEqual([previous.id])
    expect(held()).toBe(previous.key)
  })

  it('when it cannot be verified, keeps both keys alive and fails saying so for that target', async () => {
    const previous = previousRotation()
    github.fault('PUT', SECRET_PUT, LOST, { every: true, afterHandling: true })
    github.fault('GET', SECRET_PUT, [503, { message: 'Service unavailable' }], { every: true })
    const run = await rotate()

    expect(run.failed).toBe(true)
    const id = Number(run.outputs['key-id'])
    expect(run.error).toContain('may or may not hold the new key')
    expect(run.error).toContain(
      `octo/app (repository actions secret CAPGO_TOKEN): outcome unknown, holds new key ${id} or its previous value (previous key ${previous.id})`,
    )
    expect(run.error).toContain('reading it back failed too')
    // The secret does hold the new key: deleting either key would have killed something.
    expect(capgo.keys.has(id)).toBe(true)
    expect(capgo.keys.has(previous.id)).toBe(true)
    expect(held()).toBe(capgo.keys.get(id)!.key)
    expect(summaryText(run.summary)).toContain(`unknown: new key ${id} or its previous value (both left alive)`)
  })

  it('does not roll the new key back while one target is unknown, even if the others are proven unwritten', async () => {
    github.addRepo('octo/web')
    const previous = previousRotation()
    github.fault(
      'PUT',
      /\/repos\/octo\/web\/actions\/secrets\/CAPGO_TOKEN$/,
      [403, { message: 'Resource not accessible by personal access token' }],
      { every: true },
    )
    github.fault('PUT', SECRET_PUT, LOST, { every: true, afterHandling: true })
    github.fault('GET', SECRET_PUT, [503, { message: 'Service unavailable' }], { every: true })
    const run = await rotate({ repositories: 'app,web', 'key-name': NAME })

    expect(run.failed).toBe(true)
    const id = Number(run.outputs['key-id'])
    expect(capgo.keys.has(id)).toBe(true)
    expect(capgo.keys.has(previous.id)).toBe(true)
    expect(held()).toBe(capgo.keys.get(id)!.key)
    // A refused write (4xx) is proven unwritten: it is not read back.
    expect(
      github.requests.filter((r) => r.method === 'GET' && /octo\/web\/actions\/secrets\/CAPGO_TOKEN$/.test(r.path)),
    ).toHaveLength(0)
  })

  it('is not read back on the normal path: no extra request when every answer arrives', async () => {
    previousRotation()
    const run = await rotate()
    expect(run.error).toBeUndefined()
    expect(metadataReads()).toHaveLength(0)
  })
})

describe('a connection reset after the write landed (real HTTP)', () => {
  let close: (() => Promise<void>) | undefined

  beforeEach(async () => {
    nock.cleanAll()
    nock.enableNetConnect('127.0.0.1')
    capgo = new FakeCapgo('classic').install()
    // A reset needs a real connection to drop: GitHub is served on loopback.
    const served = await serve(new FakeGitHub(TOKEN, 'http://127.0.0.1/api/v3'), '/api/v3')
    github = served.fake.addRepo('octo/app')
    close = served.close
  })

  afterEach(async () => {
    await close?.()
    nock.disableNetConnect()
  })

  it('with every attempt reset, the target is verified or both keys stay: never a dead secret', async () => {
    const previous = previousRotation()
    github.clockStepMs = 1500
    github.fault('PUT', SECRET_PUT, 'reset', { every: true, afterHandling: true })
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(metadataReads()).toHaveLength(1)
    expect(live(held())).toBe(true)
    expect(capgo.keys.has(previous.id)).toBe(false)
  })
})
