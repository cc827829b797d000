import nock from 'nock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from './support/fake-github.js'
import { startSandbox, type Sandbox } from './sandbox/sandbox.js'

// The sandbox's own behaviour, over real HTTP on 127.0.0.1.

let classic: Sandbox
let current: Sandbox

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
  classic = await startSandbox({ generation: 'classic' })
  current = await startSandbox({ generation: 'current' })
})

afterAll(async () => {
  await classic.close()
  await current.close()
  nock.disableNetConnect()
})

const capgoHeaders = (sandbox: Sandbox) => ({
  capgkey: sandbox.capgo.managingKey.key,
  authorization: sandbox.capgo.managingKey.key,
})

describe('sandbox', () => {
  it('listens on loopback only', () => {
    expect(new URL(classic.capgo.baseUrl).hostname).toBe('127.0.0.1')
    expect(new URL(classic.github.baseUrl).hostname).toBe('127.0.0.1')
    expect(new URL(classic.github.baseUrl).pathname).toBe('/api/v3')
  })

  it('speaks classic Capgo: bare list with key values, create answers the bare row', async () => {
    const list = await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) })
    const body = (await list.json()) as Array<{ key: string }>
    expect(body[0]!.key).toBe(classic.capgo.managingKey.key)
    const created = await fetch(`${classic.capgo.baseUrl}/apikey/`, {
      method: 'POST',
      headers: { ...capgoHeaders(classic), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'n', mode: 'upload' }),
    })
    const row = (await created.json()) as { name: string; key: string }
    expect(row.name).toBe('n')
    expect(classic.capgo.isAlive(row.key)).toBe(true)
  })

  it('speaks current Capgo: bare list without keys, creation refused', async () => {
    const list = (await (
      await fetch(`${current.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(current) })
    ).json()) as Array<Record<string, unknown>>
    expect(Array.isArray(list)).toBe(true)
    expect(list[0]).not.toHaveProperty('key')
    const refused = await fetch(`${current.capgo.baseUrl}/apikey/`, {
      method: 'POST',
      headers: capgoHeaders(current),
      body: '{}',
    })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'cannot_create_apikey' })
  })

  it('refuses an unknown credential with 401', async () => {
    const response = await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: { capgkey: 'nope' } })
    expect(response.status).toBe(401)
  })

  it('serves a public key per collection that opens what it sealed', async () => {
    classic.github.addRepo('octo/sandbox')
    const response = await fetch(`${classic.github.baseUrl}/repos/octo/sandbox/actions/secrets/public-key`, {
      headers: { authorization: `token ${classic.token}` },
    })
    const { key_id } = (await response.json()) as { key_id: string }
    expect(key_id).toMatch(/^\d+$/)
    classic.github.sealAndStore({ repo: 'octo/sandbox' }, 'S', 'hello')
    expect(classic.github.decrypt({ repo: 'octo/sandbox' }, 'S')).toBe('hello')
  })

  it('injects a status fault on the Nth call only, and logs every request', async () => {
    const before = classic.capgo.requests.length
    classic.capgo.fault('GET', /^\/apikey\/$/, [503, { error: 'down' }], { nth: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) })).status)
    expect(statuses).toEqual([200, 503, 200])
    expect(classic.capgo.requests.length - before).toBe(3)
    classic.capgo.clearFaults()
  })

  it('injects a fault on every call', async () => {
    classic.capgo.fault('GET', /^\/apikey\/$/, [500, {}], { every: true })
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) })).status)
    expect(statuses).toEqual([500, 500, 500])
    classic.capgo.clearFaults()
  })

  it('injects a hang that only a client timeout ends', async () => {
    classic.capgo.fault('GET', /^\/apikey\/$/, 'hang')
    const error = await fetch(`${classic.capgo.baseUrl}/apikey/`, {
      headers: capgoHeaders(classic),
      signal: AbortSignal.timeout(200),
    }).catch((e: Error) => e)
    expect((error as Error).name).toBe('TimeoutError')
  })

  it('injects a reset connection', async () => {
    classic.capgo.fault('GET', /^\/apikey\/$/, 'reset')
    const error = await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) }).catch(
      (e: Error) => e,
    )
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(/socket|closed|reset/i)
  })

  it('injects a malformed JSON body', async () => {
    classic.capgo.fault('GET', /^\/apikey\/$/, 'malformed')
    const response = await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) })
    expect(response.headers.get('content-type')).toBe('application/json')
    await expect(response.json()).rejects.toThrow(SyntaxError)
  })

  it('injects latency', async () => {
    classic.capgo.latencyMs = 150
    const started = performance.now()
    await fetch(`${classic.capgo.baseUrl}/apikey/`, { headers: capgoHeaders(classic) })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    classic.capgo.latencyMs = 0
  })

  it('keeps a timeline of both services: arrival and answer times, in order of arrival', async () => {
    current.clearTimeline()
    current.github.latencyMs = 60
    const before = performance.now()
    const slow = fetch(`${current.github.baseUrl}/repos/octo/none/actions/secrets/public-key`, {
      headers: { authorization: `token ${current.token}` },
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const fast = await fetch(`${current.capgo.baseUrl}/apikey/?page=1`, { headers: capgoHeaders(current) })
    const answered = await slow
    current.github.latencyMs = 0
    const [first, second] = current.timeline()
    expect(current.timeline()).toHaveLength(2)
    expect(first).toMatchObject({
      service: 'github',
      method: 'GET',
      path: '/api/v3/repos/octo/none/actions/secrets/public-key',
      status: answered.status,
    })
    expect(second).toMatchObject({ service: 'capgo', method: 'GET', path: '/apikey/', status: fast.status })
    expect(first!.arrivedAt).toBeGreaterThanOrEqual(before)
    expect(first!.arrivedAt).toBeLessThan(second!.arrivedAt)
    // GitHub answered after its latency, Capgo at once: answers are not in arrival order.
    expect(first!.answeredAt! - first!.arrivedAt).toBeGreaterThanOrEqual(55)
    expect(second!.answeredAt!).toBeLessThan(first!.answeredAt!)
    current.clearTimeline()
    expect(current.timeline()).toHaveLength(0)
  })
})
