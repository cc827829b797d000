import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createGitHubClient, orchestrationUserAgent } from '../src/github-client.js'
import { createLogger, type LogSink } from '../src/logger.js'

// The Octokit client's own policies, against a real socket where nock cannot act (a hang).

let server: Server | undefined

afterEach(() => {
  server?.closeAllConnections()
  server?.close()
  nock.disableNetConnect()
})

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  nock.enableNetConnect('127.0.0.1')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('createGitHubClient', () => {
  it('times out every attempt of a hung request, retries, and then fails', async () => {
    let attempts = 0
    const baseUrl = await listen(() => {
      attempts++ // never answers
    })
    const octokit = createGitHubClient({ token: 't', baseUrl, timeoutMs: 200, retries: 2, retryBaseMs: 1 })
    const error = (await octokit.request('GET /repos/o/r/actions/secrets/public-key').catch((e: unknown) => e)) as {
      status?: number
      message?: string
    }
    expect(error.status).toBe(500)
    expect(error.message).toContain('aborted due to timeout')
    expect(attempts).toBe(3)
  })

  it('keeps the token on every attempt', async () => {
    const seen: Array<string | undefined> = []
    const baseUrl = await listen((req, res) => {
      seen.push(req.headers.authorization)
      res.writeHead(seen.length === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}')
    })
    const octokit = createGitHubClient({ token: 'secret-token', baseUrl, timeoutMs: 1000, retryBaseMs: 1 })
    await octokit.request('GET /x')
    expect(seen).toEqual(['token secret-token', 'token secret-token'])
  })

  it('pins the REST API version', async () => {
    let version: string | undefined
    const baseUrl = await listen((req, res) => {
      version = req.headers['x-github-api-version'] as string
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    await createGitHubClient({ token: 't', baseUrl }).request('GET /x')
    expect(version).toBe('2022-11-28')
  })
})

describe('the runner around the client', () => {
  it("tags the user agent with the job's orchestration id, as @actions/github does", async () => {
    let agent: string | undefined
    const baseUrl = await listen((req, res) => {
      agent = req.headers['user-agent']
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    vi.stubEnv('ACTIONS_ORCHESTRATION_ID', ' run 42/a ')
    await createGitHubClient({ token: 't', baseUrl }).request('GET /x')
    expect(agent).toMatch(/^actions_orchestration_id\/run_42_a octokit-core\.js\//)
    expect(orchestrationUserAgent(undefined)).toBeUndefined()
    expect(orchestrationUserAgent('  ')).toBeUndefined()
  })

  // A CONNECT proxy on loopback that tunnels to a local server standing in for GitHub.
  it("paginates within github-api-url's origin and never sends the token to a Link elsewhere", async () => {
    const seen: string[] = []
    const other = createServer((req, res) => {
      seen.push(`other ${String(req.headers.authorization)}`)
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`
    try {
      const baseUrl = await listen((req, res) => {
        seen.push(`${req.url} ${String(req.headers.authorization)}`)
        const page = new URL(String(req.url), 'http://x').searchParams.get('page')
        const next =
          page === null ? `<${baseUrl}/api/v3/items?page=2>` : page === '2' ? `<${otherUrl}/items?page=3>` : undefined
        res
          .writeHead(200, { 'content-type': 'application/json', ...(next ? { link: `${next}; rel="next"` } : {}) })
          .end(JSON.stringify([{ id: Number(page ?? 1) }]))
      })
      const octokit = createGitHubClient({ token: 'secret-token', baseUrl: `${baseUrl}/api/v3`, retryBaseMs: 1 })
      const error = (await octokit.paginate('GET /items').catch((e: unknown) => e)) as Error
      expect(error.message).toContain(`to ${otherUrl}, another origin`)
      expect(seen).toEqual(['/api/v3/items token secret-token', '/api/v3/items?page=2 token secret-token'])
    } finally {
      other.close()
    }
  })

  it('sends GitHub requests through http_proxy, and straight to the host without one', async () => {
    const { connect } = await import('node:net')
    const hosts: string[] = []
    const github = await listen((req, res) => {
      hosts.push(String(req.headers.host))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    const tunnels: string[] = []
    const proxy = createServer()
    proxy.on('connect', (req, client, head) => {
      tunnels.push(String(req.url))
      const upstream = connect(Number(new URL(github).port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    // nock judges the request by its target even inside the tunnel: let it through.
    nock.enableNetConnect()
    try {
      vi.stubEnv('http_proxy', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
      // A name that resolves nowhere: only the proxy can reach it.
      await createGitHubClient({ token: 't', baseUrl: 'http://github.behind-proxy.test/api/v3' }).request('GET /x')
      expect(tunnels).toEqual(['github.behind-proxy.test:80'])
      vi.stubEnv('http_proxy', undefined)
      await createGitHubClient({ token: 't', baseUrl: github }).request('GET /x')
      expect(tunnels).toHaveLength(1)
      expect(hosts).toEqual(['github.behind-proxy.test', new URL(github).host])
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })
})

// Rate limits on a fake clock: every wait goes through the injected sleep, which moves the clock.
function limitedClient(baseUrl: string) {
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') }
  const slept: number[] = []
  const warnings: string[] = []
  const ignore = () => {}
  const sink = {
    info: ignore,
    notice: ignore,
    debug: ignore,
    error: ignore,
    setFailed: ignore,
    warning: (m: string | Error) => void warnings.push(String(m)),
  } as unknown as LogSink
  const octokit = createGitHubClient({
    token: 't',
    baseUrl,
    timeoutMs: 2000,
    retryBaseMs: 1,
    log: createLogger(sink),
    now: () => clock.now,
    sleep: async (ms) => {
      slept.push(ms)
      clock.now += ms
    },
  })
  return { octokit, clock, slept, warnings }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
})

/** A server answering each request with the next scripted answer, then 200 {}. */
async function scripted(answers: Array<ReturnType<typeof json>>): Promise<{ baseUrl: string; requests: string[] }> {
  const requests: string[] = []
  const baseUrl = await listen((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const answer = answers.shift() ?? json(200, {})
    res.writeHead(answer.status, answer.headers).end(answer.body)
  })
  return { baseUrl, requests }
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { status?: number },
  )

describe('GitHub rate limits', () => {
  it('sends ordinary reads and writes at once, never sleeping', async () => {
    const { baseUrl, requests } = await scripted([])
    const { octokit, slept, warnings } = limitedClient(baseUrl)
    await Promise.all([
      octokit.request('GET /repos/o/r/actions/secrets/public-key'),
      octokit.request('PUT /repos/o/r/actions/secrets/S', { encrypted_value: 'x', key_id: '1' }),
      octokit.request('DELETE /repos/o/r/actions/secrets/T'),
    ])
    expect(requests).toHaveLength(3)
    expect(slept).toEqual([])
    expect(warnings).toEqual([])
  })

  it('waits for the primary limit until x-ratelimit-reset, then retries', async () => {
    const reset = String(Date.parse('2026-03-01T12:00:30Z') / 1000)
    const { baseUrl, requests } = await scripted([
      json(
        403,
        { message: 'API rate limit exceeded for user ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      ),
    ])
    const { octokit, slept, warnings } = limitedClient(baseUrl)
    await octokit.request('GET /repos/o/r/actions/secrets/public-key')
    expect(requests).toHaveLength(2)
    expect(slept).toEqual([31_000])
    expect(warnings).toEqual([
      'GitHub rate limit hit on GET /repos/o/r/actions/secrets/public-key: waiting 31 s before retrying.',
    ])
  })

  it('fails at once on a primary limit that resets beyond MAX_WAIT_SECONDS', async () => {
    const reset = String(Date.parse('2026-03-01T13:00:00Z') / 1000)
    const { baseUrl, requests } = await scripted([
      json(429, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
    ])
    const { octokit, slept, warnings } = limitedClient(baseUrl)
    const error = await failureOf(octokit.request('GET /x'))
    expect(error?.status).toBe(429)
    expect(requests).toHaveLength(1)
    expect(slept).toEqual([])
    expect(warnings).toEqual(['GitHub rate limit hit on GET /x: not retrying (asked to wait 3601 s, retry 1).'])
  })

  it('waits out a secondary limit (a minute when GitHub names no time), at most twice', async () => {
    const secondary = json(403, {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    })
    const { baseUrl, requests } = await scripted([
      secondary,
      json(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '3' }),
      secondary,
    ])
    const { octokit, slept, warnings } = limitedClient(baseUrl)
    const error = await failureOf(
      octokit.request('PUT /repos/o/r/actions/secrets/S', { encrypted_value: 'x', key_id: '1' }),
    )
    expect(error?.status).toBe(403)
    expect(requests).toHaveLength(3)
    expect(slept).toEqual([60_000, 3000])
    expect(warnings).toEqual([
      'GitHub secondary rate limit hit on PUT /repos/o/r/actions/secrets/S: waiting 60 s before retrying.',
      'GitHub secondary rate limit hit on PUT /repos/o/r/actions/secrets/S: waiting 3 s before retrying.',
      'GitHub secondary rate limit hit on PUT /repos/o/r/actions/secrets/S: not retrying (asked to wait 60 s, retry 3).',
    ])
  })

  it('refuses a retry-after beyond MAX_WAIT_SECONDS', async () => {
    const { baseUrl, requests } = await scripted([
      json(429, { message: 'Too many requests' }, { 'retry-after': '121' }),
    ])
    const { octokit, slept } = limitedClient(baseUrl)
    expect((await failureOf(octokit.request('GET /x')))?.status).toBe(429)
    expect(requests).toHaveLength(1)
    expect(slept).toEqual([])
  })

  it('holds the 81st write of a minute until the first leaves the window; reads do not count', async () => {
    const { baseUrl, requests } = await scripted([])
    const { octokit, clock, slept, warnings } = limitedClient(baseUrl)
    for (let i = 0; i < 80; i++) {
      await octokit.request('PUT /repos/o/r/actions/secrets/{name}', {
        name: `S${i}`,
        encrypted_value: 'x',
        key_id: '1',
      })
      await octokit.request('GET /repos/o/r/actions/secrets/public-key')
      clock.now += 100
    }
    expect(slept).toEqual([])
    await octokit.request('PATCH /repos/o/r/actions/variables/V', { value: '1' })
    expect(slept).toEqual([52_000])
    expect(warnings).toEqual([
      'GitHub allows 80 content-writing requests a minute: waiting 52 s before PATCH /repos/o/r/actions/variables/V.',
    ])
    expect(requests).toHaveLength(161)
  })
})
