import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CapgoClient, CapgoError } from '../src/capgo-client.js'
import { createGitHubClient } from '../src/github-client.js'
import { judgeRedirect } from '../src/redirects.js'

// Credentials go only to the origin they were given for (docs/contract.md). Two real servers on
// loopback: the service, and another origin that must receive nothing, whatever the method.

interface Seen {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
}

interface Origin {
  url: string
  seen: Seen[]
  server: Server
}

const servers: Server[] = []

async function origin(
  handler: (req: Seen, res: ServerResponse, origin: Origin) => void = (_, res) => res.writeHead(200).end('{}'),
): Promise<Origin> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      seen.push(entry)
      handler(entry, res, result)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const result: Origin = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }
  return result
}

beforeEach(() => {
  nock.enableNetConnect('127.0.0.1')
})

afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    server.close()
  }
  nock.disableNetConnect()
})

const MANAGING_KEY = 'c0ffee00-1111-4222-8333-444455556666'
const TOKEN = 'github_pat_redirect_test_0000000000'
const STATUSES = [301, 302, 303, 307, 308]

function capgo(baseUrl: string, apiKey = MANAGING_KEY): CapgoClient {
  return new CapgoClient({
    baseUrl,
    apiKey,
    timeoutMs: 2000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1000, sleep: async () => undefined },
    onKeyMaterial: () => undefined,
  })
}

const capgoCalls: Array<[string, (client: CapgoClient) => Promise<unknown>]> = [
  ['GET (list)', (c) => c.listKeys()],
  [
    'POST (create)',
    (c) => c.createKey({ name: 'n', mode: 'upload', limitedToApps: [], limitedToOrgs: [], expiresAt: undefined }),
  ],
  ['PUT (regenerate)', (c) => c.regenerateKey(5, undefined)],
  ['DELETE (delete)', (c) => c.deleteKey(5)],
]

describe('Capgo never follows a redirect', () => {
  for (const [name, call] of capgoCalls) {
    for (const status of STATUSES) {
      it(`${name}: a ${status} to another origin reaches nothing there and fails naming its origin only`, async () => {
        const other = await origin((_, res) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"apikey":{"id":1,"key":"k"}}'),
        )
        const service = await origin((_, res) =>
          res.writeHead(status, { location: `${other.url}/apikey/?leak=yes#frag` }).end(),
        )
        const error = await call(capgo(service.url)).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(CapgoError)
        expect(other.seen).toEqual([])
        // Not retried: a redirect is the configuration's doing, not a fault that passes.
        expect(service.seen).toHaveLength(1)
        const message = (error as CapgoError).message
        expect(message).toContain(`HTTP ${status}`)
        expect(message).toContain(`a redirect to ${other.url}`)
        expect(message).toContain('Check capgo-api-url')
        expect(message).not.toContain('leak=yes')
        expect(message).not.toContain('/apikey/?')
        // A redirect is an answer, not an unknown outcome: nothing to sweep up after a create.
        expect((error as CapgoError).outcomeUnknown).toBe(false)
      })
    }
  }

  it('does not follow a same-origin redirect either', async () => {
    const service = await origin((req, res) =>
      req.path === '/apikey/'
        ? res.writeHead(307, { location: '/elsewhere/' }).end()
        : res.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
    )
    const error = (await capgo(service.url)
      .listKeys()
      .catch((e: unknown) => e)) as CapgoError
    expect(error.message).toContain(`a redirect to ${service.url} (the same origin), not followed`)
    expect(service.seen.map((s) => s.path)).toEqual(['/apikey/'])
  })

  it('treats localhost as another origin than 127.0.0.1, even on the same port', async () => {
    const service = await origin((_req, res) => {
      const port = new URL(service.url).port
      res.writeHead(302, { location: `http://localhost:${port}/apikey/` }).end()
    })
    const error = (await capgo(service.url)
      .listKeys()
      .catch((e: unknown) => e)) as CapgoError
    expect(error.message).toContain('a redirect to http://localhost:')
    expect(service.seen).toHaveLength(1)
  })

  it('names a redirect without a Location', async () => {
    const service = await origin((_, res) => res.writeHead(301).end())
    const error = (await capgo(service.url)
      .deleteKey(3)
      .catch((e: unknown) => e)) as CapgoError
    expect(error.message).toContain('a redirect without a usable Location')
  })
})

describe('Capgo credential headers', () => {
  it('sends capgkey and authorization for a UUID key', async () => {
    const service = await origin((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'))
    await capgo(service.url).listKeys()
    expect(service.seen[0]!.headers.capgkey).toBe(MANAGING_KEY)
    expect(service.seen[0]!.headers.authorization).toBe(MANAGING_KEY)
  })

  it('sends only capgkey for a non-UUID key: Capgo would take authorization as a JWT and fail 401', async () => {
    const legacy = 'ak_legacy_not_a_uuid_0123456789'
    const service = await origin((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'))
    const client = capgo(service.url, legacy)
    await client.listKeys()
    await client.deleteKey(4)
    await client.regenerateKey(5, undefined).catch(() => undefined)
    for (const request of service.seen) {
      expect(request.headers.capgkey).toBe(legacy)
      expect(request.headers).not.toHaveProperty('authorization')
    }
    expect(service.seen.map((s) => s.method)).toEqual(['GET', 'DELETE', 'PUT', 'PUT', 'PUT'])
  })
})

const githubCalls: Array<[string, string, Record<string, unknown>]> = [
  ['GET', '/repos/{owner}/{repo}/actions/secrets/public-key', { owner: 'o', repo: 'r' }],
  [
    'PUT',
    '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
    { owner: 'o', repo: 'r', secret_name: 'S', encrypted_value: 'c2VhbGVk', key_id: '1' },
  ],
  ['POST', '/repos/{owner}/{repo}/actions/variables', { owner: 'o', repo: 'r', name: 'V', value: '7' }],
  ['PATCH', '/repos/{owner}/{repo}/actions/variables/{name}', { owner: 'o', repo: 'r', name: 'V', value: '7' }],
  ['DELETE', '/repos/{owner}/{repo}/actions/secrets/{secret_name}', { owner: 'o', repo: 'r', secret_name: 'S' }],
]

function github(baseUrl: string) {
  return createGitHubClient({ token: TOKEN, baseUrl, timeoutMs: 2000, retries: 2, retryBaseMs: 1 })
}

describe('GitHub follows redirects within its origin only', () => {
  for (const [method, route, params] of githubCalls) {
    for (const status of STATUSES) {
      it(`${method}: a ${status} to another origin reaches nothing there, is not retried, and is no success`, async () => {
        const other = await origin((_, res) =>
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"key_id":"1","key":"x"}'),
        )
        const service = await origin((_, res) =>
          res.writeHead(status, { location: `${other.url}/repos/o/r?token=leak` }).end(),
        )
        const error = (await github(service.url)
          .request(`${method} ${route}`, params)
          .catch((e: unknown) => e)) as Error
        expect(error).toBeInstanceOf(Error)
        expect(other.seen).toEqual([])
        expect(service.seen).toHaveLength(1)
        expect(error.message).toContain(`redirect to another origin, ${other.url}`)
        expect(error.message).toContain('check github-api-url')
        expect(error.message).not.toContain('token=leak')
      })
    }
  }

  for (const [method, route, params] of githubCalls) {
    it(`${method}: a same-origin 307 (a renamed repository) is followed with the token and the same body`, async () => {
      const service = await origin((req, res) => {
        if (!req.path.startsWith('/moved/')) return void res.writeHead(307, { location: `/moved${req.path}` }).end()
        res
          .writeHead(method === 'GET' ? 200 : 201, { 'content-type': 'application/json' })
          .end('{"key_id":"1","key":"x"}')
      })
      const response = await github(service.url).request(`${method} ${route}`, params)
      expect(response.status).toBe(method === 'GET' ? 200 : 201)
      expect(service.seen).toHaveLength(2)
      const [first, second] = service.seen
      expect(second!.path).toBe(`/moved${first!.path}`)
      expect(second!.method).toBe(method)
      expect(second!.body).toBe(first!.body)
      expect(second!.headers.authorization).toBe(`token ${TOKEN}`)
    })
  }

  it('follows a same-origin 301 on a read', async () => {
    const service = await origin((req, res) =>
      req.path.startsWith('/repositories/')
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"key_id":"9","key":"x"}')
        : res.writeHead(301, { location: `${service.url}/repositories/42/actions/secrets/public-key` }).end(),
    )
    const response = await github(service.url).request('GET /repos/{owner}/{repo}/actions/secrets/public-key', {
      owner: 'o',
      repo: 'old',
    })
    expect(response.data).toMatchObject({ key_id: '9' })
  })

  it('refuses a 303 on a write: it would turn the write into a read whose 200 passes for success', async () => {
    const service = await origin((req, res) =>
      req.method === 'GET'
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
        : res.writeHead(303, { location: '/somewhere' }).end(),
    )
    const error = (await github(service.url)
      .request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
        owner: 'o',
        repo: 'r',
        secret_name: 'S',
        encrypted_value: 'x',
        key_id: '1',
      })
      .catch((e: unknown) => e)) as Error
    expect(error.message).toContain('a 303 answer')
    expect(service.seen.map((s) => s.method)).toEqual(['PUT'])
  })

  it('stops a redirect loop and fails', async () => {
    const service = await origin((req, res) => res.writeHead(307, { location: `${req.path}x` }).end())
    const error = (await github(service.url)
      .request('DELETE /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
        owner: 'o',
        repo: 'r',
        secret_name: 'S',
      })
      .catch((e: unknown) => e)) as Error
    expect(error.message).toContain('more than 5 redirects')
    expect(service.seen).toHaveLength(6)
  })
})

describe('judgeRedirect', () => {
  it('never goes from https to http, even on the same host', () => {
    const verdict = judgeRedirect(
      'https://api.github.com/x',
      'https://api.github.com/x',
      301,
      'GET',
      'http://api.github.com/y',
      0,
    )
    expect(verdict).toEqual({
      follow: false,
      reason: 'a 301 redirect from https to http://api.github.com, which would send the credential in clear',
    })
  })

  it('compares with the first request, not the last hop', () => {
    expect(judgeRedirect('https://a.test/x', 'https://a.test/y', 307, 'PUT', '/z', 1)).toEqual({
      follow: true,
      url: 'https://a.test/z',
    })
    expect(judgeRedirect('https://a.test/x', 'https://a.test/y', 307, 'PUT', 'https://a.test:8443/z', 1)).toMatchObject(
      { follow: false },
    )
    expect(judgeRedirect('https://a.test/x', 'https://a.test/y', 307, 'PUT', '//b.test/z', 1)).toMatchObject({
      follow: false,
    })
  })

  it('names the origin only, without userinfo', () => {
    const verdict = judgeRedirect('https://a.test/x', 'https://a.test/x', 302, 'GET', 'https://user:pw@b.test/p?q=1', 0)
    expect(verdict).toEqual({ follow: false, reason: 'a 302 redirect to another origin, https://b.test' })
  })
})
