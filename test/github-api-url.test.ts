import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeCapgo } from './support/fake-capgo.js'
import { NO_CAPGO_RETRY_WAITS, runAction } from './support/run-action.js'

// A github-api-url that does not lead to GitHub's API must be named as the thing to check, not
// blamed on the token or on GitHub's availability. Real loopback servers, real Octokit errors.

const TOKEN = 'ghp_apiurltesttoken00000000000000000000'

let capgo: FakeCapgo
let server: Server | undefined

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1')
})

beforeEach(() => {
  capgo = new FakeCapgo('classic').install()
})

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

/** A web server that answers every request with `status` and an HTML page. */
async function notGitHub(status: number): Promise<string> {
  server = createServer((_req, res) =>
    res
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<html><body><h1>${status}</h1> <script>alert(1)</script></body></html>`),
  )
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return `http://127.0.0.1:${port}/api/v3`
}

function run(githubApiUrl: string) {
  return runAction({
    repository: 'octo/app',
    inputs: {
      'capgo-api-key': capgo.managingKey.key,
      'capgo-api-url': capgo.baseUrl,
      'github-token': TOKEN,
      'github-api-url': githubApiUrl,
    },
    tuning: { ...NO_CAPGO_RETRY_WAITS, githubRetries: 1 },
    mustNotLeak: () => [TOKEN, ...capgo.allKeyValues()],
  })
}

describe('github-api-url that does not lead to GitHub', () => {
  it('unreachable: names github-api-url and the host, not "GitHub kept failing"', async () => {
    const url = await closedPort()
    const result = await run(url)
    expect(result.failed).toBe(true)
    expect(result.error).toContain(
      `reading the public key of octo/app (repository actions secret CAPGO_TOKEN): no answer from ${new URL(url).origin}`,
    )
    expect(result.error).toContain('ECONNREFUSED')
    expect(result.error).toContain('Check github-api-url')
    expect(result.error).not.toContain('GitHub kept failing')
    expect(result.error).toContain('Nothing was changed.')
    expect(capgo.mutatingRequests()).toHaveLength(0)
  })

  it('a web page answering 404: names github-api-url, does not blame the repository', async () => {
    const url = await notGitHub(404)
    const result = await run(url)
    expect(result.error).toContain(
      `${new URL(url).origin} answered 404 with a text/html answer, not GitHub's API JSON. Check github-api-url`,
    )
    expect(result.error).not.toContain('does not exist')
    // The page itself is never quoted.
    expect(result.error).not.toContain('<script>')
  })

  it('a server answering 401: names github-api-url, does not call the token invalid', async () => {
    const result = await run(await notGitHub(401))
    expect(result.error).toContain("answered 401 with a text/html answer, not GitHub's API JSON. Check github-api-url")
    expect(result.error).not.toContain('github-token is invalid')
  })

  it('an HTML 502: GitHub may be down, and github-api-url is named in case it keeps happening', async () => {
    const result = await run(await notGitHub(502))
    expect(result.error).toContain(
      'GitHub kept failing after retries; run again later. If it keeps happening, check github-api-url',
    )
  })

  it("GitHub's own JSON 401 still says the token is invalid", async () => {
    nock('https://github.test')
      .persist()
      .get(/.*/)
      .reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })
    const result = await run('https://github.test/api/v3')
    expect(result.error).toContain('401 Bad credentials. github-token is invalid, expired or revoked')
  })
})
