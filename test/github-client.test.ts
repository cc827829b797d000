import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import { createGitHubClient } from '../src/github-client.js'

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
    const error = (await octokit.request('GET /repos/o/r/actions/secrets/public-key').catch((e: unknown) => e)) as { status?: number; message?: string }
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
