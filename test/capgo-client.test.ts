import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { describe, expect, it, vi } from 'vitest'
import { CapgoClient, CapgoError, generationOf, proxyAwareFetch, sha256Hex } from '../src/capgo-client.js'
import type { RetryPolicy } from '../src/retry.js'

const BASE = 'https://capgo.test'
const API_KEY = 'c0ffee00-1111-4222-8333-444455556666'

function client(overrides: { retry?: Partial<RetryPolicy>; timeoutMs?: number } = {}) {
  const sleeps: number[] = []
  const revealed: string[] = []
  const retry: RetryPolicy = {
    attempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    ...overrides.retry,
  }
  const capgo = new CapgoClient({
    baseUrl: BASE,
    apiKey: API_KEY,
    retry,
    timeoutMs: overrides.timeoutMs,
    onKeyMaterial: (k) => revealed.push(k),
  })
  return { capgo, sleeps, revealed }
}

async function failure(promise: Promise<unknown>): Promise<CapgoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CapgoError)
  return error as CapgoError
}

describe('listing keys', () => {
  it('reads the documented shape, recognises the managing key by its plaintext and drops key values', async () => {
    nock(BASE, { reqheaders: { authorization: API_KEY, capgkey: API_KEY } })
      .get('/apikey/')
      .reply(200, {
        data: [
          { id: 1, key: API_KEY, mode: 'all', name: 'manager', created_at: '2026-01-01T00:00:00Z', user_id: 'u' },
          {
            id: 2,
            key: 'other-plaintext',
            mode: 'upload',
            name: 'ci',
            created_at: '2026-02-01T00:00:00Z',
            user_id: 'u',
          },
        ],
      })
    const listing = await client().capgo.listKeys()
    expect(listing.generation).toBe('classic')
    expect(listing.keys).toEqual([
      {
        id: 1,
        name: 'manager',
        mode: 'all',
        globalPermissions: [],
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: undefined,
        expiresAt: undefined,
        isManagingKey: true,
      },
      {
        id: 2,
        name: 'ci',
        mode: 'upload',
        globalPermissions: [],
        createdAt: '2026-02-01T00:00:00Z',
        updatedAt: undefined,
        expiresAt: undefined,
        isManagingKey: false,
      },
    ])
    expect(JSON.stringify(listing)).not.toContain('other-plaintext')
  })

  // Classic get.ts selects every column: a hashed key's row has key null and key_hash = sha256 hex.
  it('reads the real classic shape, a bare array, and recognises a hashed managing key by key_hash', async () => {
    nock(BASE)
      .get('/apikey/')
      .reply(200, [
        {
          id: 1,
          key: null,
          key_hash: sha256Hex(API_KEY).toUpperCase(),
          mode: 'all',
          name: 'manager',
          rbac_id: 'r1',
          user_id: 'u',
        },
        {
          id: 2,
          key: null,
          key_hash: sha256Hex('other'),
          mode: 'upload',
          name: 'ci',
          updated_at: '2026-03-01T00:00:00Z',
          user_id: 'u',
        },
      ])
    const listing = await client().capgo.listKeys()
    expect(listing.generation).toBe('classic')
    expect(listing.keys.map((k) => [k.id, k.isManagingKey, k.updatedAt])).toEqual([
      [1, true, undefined],
      [2, false, '2026-03-01T00:00:00Z'],
    ])
    expect(JSON.stringify(listing)).not.toContain(sha256Hex('other'))
  })

  // Current get.ts: APIKEY_PUBLIC_COLUMNS plus is_hashed_key and global_permissions; no key, key_hash or mode.
  it('reads the current shape: a bare array without key values or mode', async () => {
    nock(BASE)
      .get('/apikey/')
      .reply(200, [
        {
          id: '7',
          name: 'ci',
          rbac_id: 'r7',
          is_hashed_key: true,
          global_permissions: ['org.create'],
          expires_at: '2027-01-01T00:00:00Z',
          updated_at: '2026-05-01T00:00:00Z',
        },
      ])
    const listing = await client().capgo.listKeys()
    expect(listing).toEqual({
      generation: 'current',
      keys: [
        {
          id: 7,
          name: 'ci',
          mode: undefined,
          globalPermissions: ['org.create'],
          createdAt: undefined,
          updatedAt: '2026-05-01T00:00:00Z',
          expiresAt: '2027-01-01T00:00:00Z',
          isManagingKey: false,
        },
      ],
    })
  })

  it('tells the generation from what rows carry, never from the shape', () => {
    expect(generationOf([])).toBe('unknown')
    expect(generationOf([{ id: 1, name: 'x' }])).toBe('unknown')
    expect(generationOf([{ id: 1, mode: null, key_hash: null }])).toBe('classic')
    expect(generationOf([{ id: 1, rbac_id: 'r', is_hashed_key: false }])).toBe('current')
    // A server that mixes both cannot be told apart: the create answer decides.
    expect(
      generationOf([
        { id: 1, mode: 'all' },
        { id: 2, is_hashed_key: true },
      ]),
    ).toBe('unknown')
  })

  it('rejects an answer that is not a key list', async () => {
    nock(BASE).get('/apikey/').times(3).reply(200, { hello: 'world' })
    const { capgo, sleeps } = client()
    const error = await failure(capgo.listKeys())
    // A garbled answer is retried like a 5xx, then reported.
    expect(sleeps).toHaveLength(2)
    expect(error.failure).toBe('malformed')
    expect(error.message).toContain('check capgo-api-url')
  })

  it('rejects malformed JSON', async () => {
    nock(BASE).get('/apikey/').times(3).reply(200, '{"data": [', { 'content-type': 'application/json' })
    const error = await failure(client().capgo.listKeys())
    expect(error.message).toBe(
      'Capgo: list keys failed: the answer is not JSON. The answer is not what a Capgo /apikey endpoint returns: check capgo-api-url.',
    )
  })

  it('retries 5xx with backoff and then succeeds', async () => {
    nock(BASE)
      .get('/apikey/')
      .reply(503, 'unavailable')
      .get('/apikey/')
      .reply(500, { error: 'boom' })
      .get('/apikey/')
      .reply(200, [])
    const { capgo, sleeps } = client()
    await expect(capgo.listKeys()).resolves.toEqual({ generation: 'unknown', keys: [] })
    expect(sleeps).toHaveLength(2)
    expect(sleeps[0]).toBeGreaterThanOrEqual(50)
    expect(sleeps[0]).toBeLessThanOrEqual(100)
    expect(sleeps[1]).toBeGreaterThanOrEqual(100)
    expect(sleeps[1]).toBeLessThanOrEqual(200)
  })

  it('gives up after the bounded number of attempts', async () => {
    nock(BASE).get('/apikey/').times(3).reply(502, '<html>Bad gateway</html>')
    const error = await failure(client().capgo.listKeys())
    expect(error.status).toBe(502)
    // No raw body is ever quoted: on classic Capgo a list body holds other keys in plaintext.
    expect(error.message).toBe('Capgo: list keys failed: HTTP 502. Capgo had a server error; run again later.')
    expect(nock.isDone()).toBe(true)
  })

  it('waits as long as Retry-After asks on 429', async () => {
    nock(BASE)
      .get('/apikey/')
      .reply(429, { error: 'too_many_requests', message: 'Too many requests' }, { 'retry-after': '2' })
      .get('/apikey/')
      .reply(200, [])
    const { capgo, sleeps } = client()
    await capgo.listKeys()
    expect(sleeps).toEqual([2000])
  })

  it('fails at once, saying how long to wait, when Retry-After is beyond the bound', async () => {
    nock(BASE)
      .get('/apikey/')
      .reply(429, { error: 'too_many_requests', message: 'Too many requests' }, { 'retry-after': '900' })
    const { capgo, sleeps } = client()
    const error = await failure(capgo.listKeys())
    expect(sleeps).toEqual([])
    expect(error.message).toContain('HTTP 429 too_many_requests: Too many requests')
    expect(error.message).toContain('wait 900 s (Retry-After)')
  })

  it('never retries a 401, and says what the managing key needs', async () => {
    nock(BASE).get('/apikey/').reply(401, { error: 'invalid_apikey', message: 'Invalid API key' })
    const { capgo, sleeps } = client()
    const error = await failure(capgo.listKeys())
    expect(sleeps).toEqual([])
    expect(error.message).toContain('HTTP 401 invalid_apikey: Invalid API key')
    expect(error.message).toContain('unknown, expired, or lacks the rights to manage keys')
    expect(error.message).toContain('apikey_manager')
  })

  it('reads the classic error shape as text', async () => {
    nock(BASE).get('/apikey/').reply(401, { error: 'Insufficient permissions to manage API keys', status: 'KO' })
    const error = await failure(client().capgo.listKeys())
    expect(error.code).toBeUndefined()
    expect(error.message).toContain('HTTP 401: Insufficient permissions to manage API keys')
  })

  it('retries a lost connection', async () => {
    nock(BASE).get('/apikey/').replyWithError('socket hang up').get('/apikey/').reply(200, [])
    const { capgo, sleeps } = client()
    await expect(capgo.listKeys()).resolves.toMatchObject({ keys: [] })
    expect(sleeps).toHaveLength(1)
  })

  it('reports a connection that keeps failing, with the URL and the cause', async () => {
    nock(BASE).get('/apikey/').times(3).replyWithError('connect ECONNREFUSED')
    const error = await failure(client().capgo.listKeys())
    expect(error.failure).toBe('network')
    expect(error.message).toBe(
      'Capgo: list keys failed: could not reach https://capgo.test/apikey/ (connect ECONNREFUSED). Check capgo-api-url and that the runner can reach it.',
    )
  })

  // A real socket: nock's delayed replies do not survive an aborted fetch.
  it('times out a hung request, retries it, and reports the timeout', async () => {
    const hanging = createServer(() => undefined)
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    nock.enableNetConnect('127.0.0.1')
    try {
      const { port } = hanging.address() as AddressInfo
      const sleeps: number[] = []
      const capgo = new CapgoClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: API_KEY,
        timeoutMs: 100,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms) },
        onKeyMaterial: () => undefined,
      })
      const error = await failure(capgo.listKeys())
      expect(error.failure).toBe('timeout')
      expect(error.message).toContain(`no answer from http://127.0.0.1:${port}/apikey/ within 0.1 s`)
      expect(sleeps).toHaveLength(1)
    } finally {
      nock.disableNetConnect()
      hanging.closeAllConnections()
      hanging.close()
    }
  })
  // The timeout bounds the body too: a server that sends its headers and then stalls is a hung request.
  it('times out an answer whose body stalls after the headers', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('[{"id": 1,')
    })
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve))
    nock.enableNetConnect('127.0.0.1')
    try {
      const { port } = stalling.address() as AddressInfo
      const capgo = new CapgoClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: API_KEY,
        timeoutMs: 100,
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1000, sleep: async () => undefined },
        onKeyMaterial: () => undefined,
      })
      const error = await failure(capgo.listKeys())
      expect(error.failure).toBe('timeout')
      expect(error.outcomeUnknown).toBe(true)
    } finally {
      nock.disableNetConnect()
      stalling.closeAllConnections()
      stalling.close()
    }
  })
})

describe('creating a key', () => {
  it('sends the scope and reads the classic {apikey} answer, revealing the key before returning', async () => {
    const scope = nock(BASE)
      .post('/apikey/', {
        name: 'rotation',
        mode: 'upload',
        limited_to_apps: ['com.demo.app'],
        expires_at: '2027-01-01T00:00:00.000Z',
        hashed: true,
      })
      .reply(200, {
        apikey: {
          id: 9,
          key: 'new-plaintext',
          name: 'rotation',
          mode: 'upload',
          expires_at: '2027-01-01T00:00:00.000Z',
        },
      })
    const { capgo, revealed } = client()
    const key = await capgo.createKey({
      name: 'rotation',
      mode: 'upload',
      limitedToApps: ['com.demo.app'],
      limitedToOrgs: [],
      expiresAt: '2027-01-01T00:00:00.000Z',
    })
    expect(key).toEqual({
      id: 9,
      name: 'rotation',
      key: 'new-plaintext',
      mode: 'upload',
      expiresAt: '2027-01-01T00:00:00.000Z',
    })
    expect(revealed).toEqual(['new-plaintext'])
    expect(scope.isDone()).toBe(true)
  })

  it('reads the current bare-row answer', async () => {
    nock(BASE).post('/apikey/').reply(201, { id: 10, key: 'row-plaintext', name: 'rotation' })
    const key = await client().capgo.createKey({
      name: 'rotation',
      mode: 'read',
      limitedToApps: [],
      limitedToOrgs: ['org-1'],
      expiresAt: undefined,
    })
    expect(key.key).toBe('row-plaintext')
  })

  it('is never retried, even on a 5xx', async () => {
    nock(BASE).post('/apikey/').reply(500, { error: 'internal' })
    const { capgo, sleeps } = client()
    const error = await failure(
      capgo.createKey({ name: 'n', mode: 'upload', limitedToApps: [], limitedToOrgs: [], expiresAt: undefined }),
    )
    expect(sleeps).toEqual([])
    expect(error.outcomeUnknown).toBe(true)
  })

  it('turns cannot_create_apikey into advice about the strategy', async () => {
    nock(BASE)
      .post('/apikey/')
      .reply(400, { error: 'cannot_create_apikey', message: 'API keys cannot create other API keys' })
    const error = await failure(
      client().capgo.createKey({
        name: 'n',
        mode: 'upload',
        limitedToApps: [],
        limitedToOrgs: [],
        expiresAt: undefined,
      }),
    )
    expect(error.code).toBe('cannot_create_apikey')
    expect(error.outcomeUnknown).toBe(false)
    expect(error.message).toContain('use `strategy: regenerate`')
  })

  it('fails when the answer holds no key', async () => {
    nock(BASE)
      .post('/apikey/')
      .reply(200, { apikey: { id: 3, name: 'n' } })
    const error = await failure(
      client().capgo.createKey({
        name: 'n',
        mode: 'upload',
        limitedToApps: [],
        limitedToOrgs: [],
        expiresAt: undefined,
      }),
    )
    expect(error.message).toContain('the answer holds no key')
  })

  it('explains an organisation that requires an expiry', async () => {
    nock(BASE).post('/apikey/').reply(400, { error: 'expiration_required', message: 'Expiration is required' })
    const error = await failure(
      client().capgo.createKey({
        name: 'n',
        mode: 'upload',
        limitedToApps: [],
        limitedToOrgs: [],
        expiresAt: undefined,
      }),
    )
    expect(error.message).toContain('set expires-in-days')
  })
})

describe('regenerating and deleting', () => {
  it('regenerates in place, retrying a 503', async () => {
    nock(BASE)
      .put('/apikey/5', { regenerate: true })
      .reply(503, 'busy')
      .put('/apikey/5', { regenerate: true })
      .reply(200, { id: 5, key: 'regenerated', name: 'ci' })
    const { capgo, revealed } = client()
    await expect(capgo.regenerateKey(5, undefined)).resolves.toMatchObject({ id: 5, key: 'regenerated' })
    expect(revealed).toEqual(['regenerated'])
  })

  it('reports an unknown id with advice', async () => {
    nock(BASE)
      .put('/apikey/5')
      .reply(404, { error: 'api_key_not_found_or_access_denied', message: 'API key not found or access denied' })
    const error = await failure(client().capgo.regenerateKey(5, '2027-01-01T00:00:00.000Z'))
    expect(error.message).toContain('check previous-key-id')
  })

  it('deletes with either success shape', async () => {
    nock(BASE).delete('/apikey/1').reply(200, { success: true }).delete('/apikey/2').reply(200, { status: 'ok' })
    const { capgo } = client()
    await expect(capgo.deleteKey(1)).resolves.toBe('deleted')
    await expect(capgo.deleteKey(2)).resolves.toBe('deleted')
  })

  // Both generations answer 404 api_key_not_found for a missing key and for another user's key alike.
  it('reports 404 as not found (gone or not visible), in both error shapes', async () => {
    nock(BASE)
      .delete('/apikey/1')
      .reply(404, { error: 'api_key_not_found', message: 'API key not found' })
      .delete('/apikey/2')
      .reply(404, { error: 'API key not found', status: 'KO' })
    const { capgo } = client()
    await expect(capgo.deleteKey(1)).resolves.toBe('not-found')
    await expect(capgo.deleteKey(2)).resolves.toBe('not-found')
  })

  it('takes any 2xx of a delete as success, whatever the body', async () => {
    nock(BASE).delete('/apikey/1').reply(200, '<html>ok</html>').delete('/apikey/2').reply(204)
    const { capgo } = client()
    await expect(capgo.deleteKey(1)).resolves.toBe('deleted')
    await expect(capgo.deleteKey(2)).resolves.toBe('deleted')
  })

  it('retries a regenerate whose answer was garbled, and returns the last key', async () => {
    nock(BASE)
      .put('/apikey/5')
      .reply(200, { id: 5, name: 'ci' })
      .put('/apikey/5')
      .reply(200, { id: 5, key: 'second', name: 'ci' })
    await expect(client().capgo.regenerateKey(5, undefined)).resolves.toMatchObject({ key: 'second' })
  })

  it('retries a delete on 500', async () => {
    nock(BASE).delete('/apikey/1').reply(500, {}).delete('/apikey/1').reply(200, { success: true })
    await expect(client().capgo.deleteKey(1)).resolves.toBe('deleted')
  })
})

describe('behind a proxy', () => {
  // A CONNECT proxy on loopback that tunnels every request to a local server standing in for Capgo.
  it('sends Capgo requests through https_proxy / http_proxy, and not when no proxy is set', async () => {
    const { connect } = await import('node:net')
    const capgoServer = createServer((req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify([{ id: 1, name: String(req.headers.host) }]))
    })
    await new Promise<void>((resolve) => capgoServer.listen(0, '127.0.0.1', resolve))
    const tunnels: string[] = []
    const proxy = createServer()
    proxy.on('connect', (req, client, head) => {
      tunnels.push(String(req.url))
      const upstream = connect((capgoServer.address() as AddressInfo).port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    // The target is a name that resolves nowhere: only the proxy can reach it.
    nock.enableNetConnect()
    vi.stubEnv('http_proxy', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
    try {
      const base = 'http://capgo.behind-proxy.test'
      const capgo = new CapgoClient({
        baseUrl: base,
        apiKey: API_KEY,
        fetch: proxyAwareFetch(base),
        onKeyMaterial: () => undefined,
      })
      await expect(capgo.listKeys()).resolves.toMatchObject({ keys: [{ id: 1, name: 'capgo.behind-proxy.test' }] })
      expect(tunnels).toEqual(['capgo.behind-proxy.test:80'])
      vi.stubEnv('http_proxy', undefined)
      // Without a proxy: straight to the server, through the bundled undici, never Node's own fetch
      // (a second HTTP stack to load).
      const nodeFetch = vi.spyOn(globalThis, 'fetch')
      const direct = `http://127.0.0.1:${(capgoServer.address() as AddressInfo).port}`
      const capgoDirect = new CapgoClient({
        baseUrl: direct,
        apiKey: API_KEY,
        fetch: proxyAwareFetch(direct),
        onKeyMaterial: () => undefined,
      })
      await expect(capgoDirect.listKeys()).resolves.toMatchObject({ keys: [{ id: 1, name: direct.slice(7) }] })
      expect(tunnels).toEqual(['capgo.behind-proxy.test:80'])
      expect(nodeFetch).not.toHaveBeenCalled()
    } finally {
      nock.disableNetConnect()
      for (const server of [proxy, capgoServer]) {
        server.closeAllConnections()
        server.close()
      }
    }
  })
})
