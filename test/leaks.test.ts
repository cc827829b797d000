import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CapgoClient, CapgoError } from '../src/capgo-client.js'
import { createGitHubClient } from '../src/github-client.js'
import { explainGitHubError } from '../src/github-errors.js'
import { createLogger, type LogSink } from '../src/logger.js'
import { forgetSecrets, registerSecret } from '../src/secrets.js'
import { readSettings, type SettingsError } from '../src/settings.js'
import { FakeGitHub } from './support/fake-github.js'
import { findLeaks } from './support/outputs.js'
import { commandsIn, decodeData, holdsCommandForm, runnerLines } from './support/runner-commands.js'
import { runBundle, type BundleRun } from './sandbox/run-bundle.js'
import { startSandbox, type Sandbox } from './sandbox/sandbox.js'

// Secrets never leak, and server or input text is never a command (docs/contract.md). First the
// pieces in process, then each reproduced attack replayed against the bundle, read the way the
// runner reads a step's output.

const BASE = 'https://capgo.test'
const MANAGING_KEY = 'c0ffee00-1111-4222-8333-444455556666'
const OTHER_KEY = 'deadbeef-2222-4333-8444-555566667777'

function quiet(): void {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
}

function capgo(): CapgoClient {
  return new CapgoClient({
    baseUrl: BASE,
    apiKey: MANAGING_KEY,
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined },
    onKeyMaterial: () => undefined,
  })
}

async function capgoFailure(reply: [number, unknown, Record<string, string>?]): Promise<CapgoError> {
  nock(BASE)
    .get('/apikey/')
    .reply(...reply)
  const error = await capgo()
    .listKeys()
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(CapgoError)
  return error as CapgoError
}

describe('Capgo error bodies', () => {
  afterEach(() => {
    forgetSecrets()
    vi.restoreAllMocks()
  })

  it('never quotes a body that is not a Capgo error object', async () => {
    for (const body of [
      `<html><pre>${OTHER_KEY}</pre></html>`,
      JSON.stringify({ data: [{ id: 1, key: OTHER_KEY }] }),
      JSON.stringify([{ id: 1, key: OTHER_KEY }]),
      JSON.stringify({ error: { key: OTHER_KEY } }),
      OTHER_KEY,
    ]) {
      const error = await capgoFailure([500, body, { 'content-type': 'text/html' }])
      expect(error.message).toBe('Capgo: list keys failed: HTTP 500. Capgo had a server error; run again later.')
    }
  })

  it('quotes only the error and message fields, redacted, made safe and cut short', async () => {
    quiet()
    registerSecret(MANAGING_KEY)
    const error = await capgoFailure([
      400,
      {
        error: 'bad_thing',
        message: `key ${MANAGING_KEY} is bad\n::stop-commands::x9 ${'x'.repeat(400)}`,
        data: OTHER_KEY,
      },
    ])
    expect(error.code).toBe('bad_thing')
    expect(error.message).not.toContain(MANAGING_KEY)
    expect(error.message).not.toContain(OTHER_KEY)
    expect(error.message).toContain('key *** is bad ⏎ : :stop-commands: :x9')
    expect(holdsCommandForm(error.message)).toBe(false)
    expect(error.detail.length).toBeLessThanOrEqual(200)
  })

  it('never takes a non-code error text as a code', async () => {
    const error = await capgoFailure([401, { error: '::error::forged', message: 'nope' }])
    expect(error.code).toBeUndefined()
    expect(error.message).not.toContain('::')
  })

  it('redacts a key before cutting the text, so a cut never leaves part of it in clear', async () => {
    quiet()
    registerSecret(MANAGING_KEY)
    const error = await capgoFailure([400, { error: `${'y'.repeat(180)}${MANAGING_KEY}` }])
    expect(error.message).not.toContain(MANAGING_KEY.slice(0, 8))
  })
})

describe('URL inputs', () => {
  const problems = (url: string): string[] => {
    try {
      readSettings((name) => ({ 'capgo-api-key': 'k', 'github-token': 't', 'capgo-api-url': url })[name] ?? '', {
        GITHUB_REPOSITORY: 'octo/app',
      })
      return []
    } catch (error) {
      return [...(error as SettingsError).problems]
    }
  }

  afterEach(() => {
    forgetSecrets()
    vi.restoreAllMocks()
  })

  it('never echoes userinfo, query or fragment, whichever check fails', () => {
    quiet()
    for (const url of [
      'http://user:hunter2pw@capgo.example',
      'https://user:hunter2pw@capgo.example/?token=hunter2pw',
      'http://user:hunter2pw@127.0.0.1:8080',
      'ftp://user:hunter2pw@capgo.example',
      'https://user:hunter2 pw@capgo.example',
      'https://capgo.example/#hunter2pw',
      'user:hunter2pw@capgo.example',
    ]) {
      const found = problems(url)
      expect(found.length, url).toBeGreaterThan(0)
      for (const problem of found) expect(problem, url).not.toContain('hunter2')
    }
  })
})

describe('GitHub error text', () => {
  afterEach(() => {
    forgetSecrets()
    vi.restoreAllMocks()
  })

  it('redacts the token before whitespace is collapsed, and each line of a multi-line one', () => {
    quiet()
    const token = 'ghp_leftHalf0000\nrightHalf1111'
    registerSecret(token)
    const failure = Object.assign(new Error('x'), {
      status: 401,
      response: { headers: {}, data: { message: `Bad credentials for ${token}, or ${token.replace('\n', '  ')}` } },
    })
    const text = explainGitHubError(
      { doing: 'writing octo/app', subject: 'repository octo/app', permission: 'Secrets: write' },
      failure,
    )
    expect(text).not.toContain('leftHalf')
    expect(text).not.toContain('rightHalf')
    expect(holdsCommandForm(text)).toBe(false)
  })

  it('never quotes a raw body: only the message field of a JSON answer', () => {
    const context = { doing: 'writing octo/app', subject: 'repository octo/app', permission: 'Secrets: write' }
    for (const data of ['<html>page with a-private-value</html>', { errors: ['a-private-value'] }]) {
      const body = typeof data === 'string' ? data : `Unknown error: ${JSON.stringify(data)}`
      const failure = Object.assign(new Error(body), { status: 502, response: { headers: {}, data } })
      const text = explainGitHubError(context, failure)
      expect(text).not.toContain('a-private-value')
      expect(text).toMatch(/^writing octo\/app: .*502.*GitHub kept failing after retries; run again later/)
    }
    // No answer at all: the library's words about the connection are kept.
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { status: 500 })
    expect(explainGitHubError(context, lost)).toContain('connect ECONNREFUSED')
  })

  it('makes a permission header and a message safe', () => {
    const failure = Object.assign(new Error('x'), {
      status: 403,
      response: {
        headers: { 'x-accepted-github-permissions': 'secrets=write\n::error::forged' },
        data: { message: 'Forbidden ##[stop-commands]x9' },
      },
    })
    const text = explainGitHubError(
      { doing: 'writing octo/app', subject: 'repository octo/app', permission: 'Secrets: write' },
      failure,
    )
    expect(holdsCommandForm(text)).toBe(false)
    expect(text).toContain('secrets=write')
  })
})

describe("Octokit's own log messages", () => {
  let server: Server | undefined
  afterEach(() => {
    server?.closeAllConnections()
    server?.close()
    nock.disableNetConnect()
  })

  it('go through the safe logger, headers quoted in them included', async () => {
    server = createServer((_, res) =>
      res
        .writeHead(200, {
          'content-type': 'application/json',
          deprecation: 'true',
          sunset: '::error::forged',
          link: '<https://x.test/##[stop-commands]x9>; rel="deprecation"',
        })
        .end('{}'),
    )
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    nock.enableNetConnect('127.0.0.1')
    const written: Array<[string, string]> = []
    const record = (level: string) => (message: string | Error) => void written.push([level, String(message)])
    const sink = {
      info: record('info'),
      notice: record('notice'),
      warning: record('warning'),
      debug: record('debug'),
      error: record('error'),
      setFailed: record('setFailed'),
    } as unknown as LogSink
    const octokit = createGitHubClient({
      token: 't',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      log: createLogger(sink),
    })
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })
    const warning = written.find(([level]) => level === 'warning')
    expect(warning?.[1]).toContain('is deprecated')
    expect(warning?.[1]).toContain('stop-commands')
    for (const [, text] of written) expect(holdsCommandForm(text)).toBe(false)
  })
})

// ---- The reproduced attacks, against the bundle (dist/index.js). ----

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
let sandbox: Sandbox
let other: Server | undefined
const otherRequests: string[] = []

async function otherOrigin(): Promise<string> {
  other = createServer((req, res) => {
    otherRequests.push(`${req.method} ${req.url}`)
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"apikey":{"id":1,"key":"k"},"key_id":"1","key":"x"}')
  })
  await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(other.address() as AddressInfo).port}`
}

/** What the runner would make of the output: the commands, and every line a mask must hide. */
function inspect(result: BundleRun, secrets: readonly string[]) {
  const commands = commandsIn(result.stdout)
  expect(commands.filter((c) => !['add-mask', 'debug', 'notice', 'warning', 'error'].includes(c.name))).toEqual([])
  // Every mask is registered while commands are processed, before the value appears.
  const maskLines = runnerLines(result.stdout).flatMap((line, index) =>
    line.startsWith('::add-mask::') ? [index] : [],
  )
  for (const secret of secrets) {
    const first = runnerLines(result.stdout).findIndex(
      (line) => !line.startsWith('::add-mask::') && line.includes(secret),
    )
    expect(first, 'a secret appears in clear').toBe(-1)
  }
  expect(
    findLeaks({ log: result.stdout, stderr: result.stderr, summary: result.summary, outputs: result.outputs }, secrets),
  ).toEqual([])
  return { commands, maskLines }
}

async function run(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<BundleRun> {
  return runBundle(sandbox.inputs(inputs), {
    githubApiUrl: sandbox.github.baseUrl,
    env: { CAPGO_ROTATION_RETRY_BASE_MS: '5', ...env },
  })
}

describe('the bundle under the reproduced attacks', () => {
  beforeAll(async () => {
    await FakeGitHub.ready()
    nock.enableNetConnect('127.0.0.1')
  })

  afterEach(async () => {
    await sandbox?.close()
    other?.closeAllConnections()
    other?.close()
    other = undefined
    otherRequests.length = 0
  })

  afterAll(() => nock.disableNetConnect())

  for (const [method, path, strategy] of [
    ['GET', /^\/apikey\/$/, 'create'],
    ['POST', /^\/apikey\/$/, 'create'],
    ['DELETE', /^\/apikey\/\d+$/, 'create'],
  ] as const) {
    it(`Capgo ${method}: a redirect to another origin gets nothing there, and the run names the origin only`, async () => {
      sandbox = await startSandbox({ generation: 'classic' })
      sandbox.github.addRepo('octo/app')
      const previous = sandbox.capgo.addKey({ name: NAME })
      const target = await otherOrigin()
      sandbox.capgo.fault(method, path, [307, undefined, { location: `${target}/steal?x=1` }], { every: true })
      const result = await run({ strategy })
      expect(otherRequests).toEqual([])
      expect(result.exitCode).toBe(1)
      expect(result.error).toContain(`redirect to ${target}`)
      expect(result.error).toContain('capgo-api-url')
      expect(result.error).not.toContain('steal')
      inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
      expect(sandbox.capgo.keys.has(previous.id)).toBe(true)
    })
  }

  for (const method of ['GET', 'PUT'] as const) {
    it(`GitHub ${method}: a redirect to another origin gets nothing there`, async () => {
      sandbox = await startSandbox({ generation: 'classic' })
      sandbox.github.addRepo('octo/app')
      const target = await otherOrigin()
      sandbox.github.fault(method, /\/actions\/secrets\//, [307, undefined, { location: `${target}/api/v3/steal` }], {
        every: true,
      })
      const result = await run()
      expect(otherRequests).toEqual([])
      expect(result.exitCode).toBe(1)
      expect(result.error).toContain(`another origin, ${target}`)
      inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
    })
  }

  it('a Capgo error message with "\\n::stop-commands::x9" in a retry notice stops nothing; the new key stays masked', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    sandbox.capgo.fault('GET', /^\/apikey\/$/, [
      503,
      { error: 'Service down\n::stop-commands::x9\n::error::forged', status: 'KO' },
    ])
    const result = await run()
    expect(result.exitCode).toBe(0)
    const { commands } = inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
    expect(commands.map((c) => c.name)).not.toContain('error')
    // The retry line: one line, prefixed once.
    const retry = runnerLines(result.stdout).filter((line) => line.includes('Retry 1'))
    expect(retry).toHaveLength(1)
    expect(retry[0]).toMatch(
      /^Capgo: list keys failed: HTTP 503: Service down ⏎ : :stop-commands: :x9 ⏎ : :error: :forged\. .* Retry 1 in \d+ ms\.$/,
    )
  })

  it('a one-line 502 page holding "##[stop-commands]x9" stops nothing, and is not quoted', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    sandbox.capgo.fault('GET', /^\/apikey\/$/, [502, '<html><body>##[stop-commands]x9 Bad gateway</body></html>'])
    const result = await run()
    expect(result.exitCode).toBe(0)
    inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
    expect(result.stdout).not.toContain('stop-commands')
  })

  it('a key-name holding "::error::" forges no annotation', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    // A line break in key-name is refused before any request; the rest of the text is shown safe.
    const refused = await run({ 'key-name': 'rotation\n::error::forged ##[error]forged too' })
    expect(refused.exitCode).toBe(1)
    expect(refused.error).toContain('key-name: must be 1 to 256 printable characters')
    expect(sandbox.capgo.requests).toHaveLength(0)
    const result = await run({ 'key-name': 'rotation ::error::forged ##[error]forged too' })
    expect(result.exitCode).toBe(0)
    const { commands } = inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
    expect(commands.map((c) => c.name)).not.toContain('error')
    for (const command of commands.filter((c) => c.name !== 'add-mask'))
      expect(holdsCommandForm(decodeData(command.data))).toBe(false)
    // Shown, readable, as text.
    expect(result.stdout).toContain(': :error: :forged # #[error]forged too')
    expect(result.stdout).not.toContain('::error::forged')
  })

  it('a classic list body holding other keys, answered with a 500, is never quoted', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    const bystander = sandbox.capgo.addKey({ name: 'someone else' })
    sandbox.capgo.fault('GET', /^\/apikey\/$/, [500, `<pre>{"data":[{"key":"${bystander.key}"}]}</pre>`], {
      every: true,
    })
    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(result.error).toContain('HTTP 500.')
    inspect(result, [...sandbox.capgo.allKeyValues(), sandbox.token])
  })

  it('a capgo-api-url with a password is never echoed', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    const loopback = sandbox.capgo.baseUrl.replace('http://', 'http://user:hunter2pw@')
    // Plain http to a non-loopback host fails the https check first: the case that echoed it whole.
    for (const url of [
      `${loopback}?token=hunter2q`,
      'http://user:hunter2pw@capgo.example',
      'https://user:hunter2 pw@capgo.example',
    ]) {
      const result = await run({ 'capgo-api-url': url })
      expect(result.exitCode, url).toBe(1)
      expect(result.error, url).toMatch(/must not carry credentials|must use https|is not a URL/)
      for (const text of [result.stdout, result.stderr, result.summary]) expect(text, url).not.toContain('hunter2')
    }
  })

  it('a token GitHub echoes back is hidden even when its whitespace would be collapsed', async () => {
    const token = 'github_pat_leftHalf0000\tthe_rightHalf1111'
    sandbox = await startSandbox({ generation: 'classic', token })
    sandbox.github.addRepo('octo/app')
    sandbox.github.fault('GET', /public-key$/, [401, { message: `Bad credentials: ${token.replace('\t', '   ')}` }], {
      every: true,
    })
    const result = await run()
    expect(result.exitCode).toBe(1)
    for (const text of [result.stdout, result.stderr, result.summary]) {
      const visible = runnerLines(text)
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
      expect(visible).not.toContain('leftHalf')
      expect(visible).not.toContain('rightHalf')
    }
  })

  it('a non-UUID managing key goes in capgkey only', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    sandbox.capgo.managingKey.key = 'legacy_managing_key_not_a_uuid'
    const result = await run()
    expect(result.exitCode).toBe(0)
    expect(sandbox.capgo.requests.length).toBeGreaterThan(0)
    for (const request of sandbox.capgo.requests) {
      expect(request.headers.capgkey).toBe('legacy_managing_key_not_a_uuid')
      expect(request.headers).not.toHaveProperty('authorization')
    }
    inspect(result, [...sandbox.capgo.allKeyValues(), 'legacy_managing_key_not_a_uuid', sandbox.token])
  })
})
