import { join } from 'node:path'
import nock from 'nock'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from './support/fake-github.js'
import { findLeaks } from './support/outputs.js'
import { summaryText } from './support/summary-text.js'
import { runBundle, type BundleRun } from './sandbox/run-bundle.js'
import { startSandbox, type Sandbox } from './sandbox/sandbox.js'

// The committed bundle, run as the GitHub runner runs it, against the loopback sandbox: the main
// scenario of every target kind and both Capgo generations, asserting on the decrypted secrets
// and on which Capgo keys are alive. Every run is checked for leaked credentials.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
let sandbox: Sandbox

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
})

afterEach(async () => {
  await sandbox?.close()
})

async function run(inputs: Record<string, string>): Promise<BundleRun> {
  const result = await runBundle(sandbox.inputs(inputs), { githubApiUrl: sandbox.github.baseUrl })
  expect(
    findLeaks({ log: result.stdout, stderr: result.stderr, summary: result.summary, outputs: result.outputs }, [
      sandbox.token,
      ...sandbox.capgo.allKeyValues(),
    ]),
  ).toEqual([])
  return result
}

function liveKey(name: string) {
  const keys = sandbox.capgo.named(name)
  expect(keys).toHaveLength(1)
  return keys[0]!
}

describe('the bundle against the sandbox', () => {
  it('classic Capgo: creates a scoped key, writes it, deletes the previous key', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    const previous = sandbox.capgo.addKey({ name: NAME })
    sandbox.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
    const result = await run({ 'limited-to-apps': 'com.example.app', 'expires-in-days': '14' })

    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const key = liveKey(NAME)
    expect(key.id).not.toBe(previous.id)
    expect(key.limited_to_apps).toEqual(['com.example.app'])
    expect(sandbox.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(key.key)
    expect(result.outputs).toMatchObject({
      rotated: 'true',
      strategy: 'create',
      'key-id': String(key.id),
      key: key.key,
      'deleted-key-ids': `[${previous.id}]`,
    })
    expect(summaryText(result.summary)).toContain(`✅ Rotated key ${key.id} into 1 secret; retired key ${previous.id}`)
  })

  it('current Capgo: auto regenerates the key in place', async () => {
    sandbox = await startSandbox({ generation: 'current' })
    sandbox.github.addRepo('octo/app')
    const existing = sandbox.capgo.addKey({ name: NAME })
    const before = existing.key
    const result = await run({})

    expect(result.exitCode).toBe(0)
    // H get.ts rows tell the generation: no create is tried first.
    expect(sandbox.capgo.requests.some((r) => r.method === 'POST')).toBe(false)
    const key = liveKey(NAME)
    expect(key.id).toBe(existing.id)
    expect(key.key).not.toBe(before)
    expect(sandbox.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(key.key)
    expect(result.outputs.strategy).toBe('regenerate')
  })

  it('environment secrets of several repositories', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github
      .addRepo('octo/app', { environments: ['production'] })
      .addRepo('octo/web', { environments: ['production'] })
    const result = await run({
      repositories: 'app,web',
      environment: 'production',
      'key-name': 'github-actions:octo/app:production:CAPGO_TOKEN',
    })

    expect(result.exitCode).toBe(0)
    const key = liveKey('github-actions:octo/app:production:CAPGO_TOKEN')
    for (const repo of ['octo/app', 'octo/web'])
      expect(sandbox.github.decrypt({ repo, environment: 'production' }, 'CAPGO_TOKEN')).toBe(key.key)
  })

  it('organization and Dependabot secrets, keeping a selected visibility', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app').addOrg('octo')
    sandbox.github.seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', {
      visibility: 'selected',
      selected_repository_ids: [42, 43],
    })
    const result = await run({
      organization: 'octo',
      repositories: 'app',
      'secret-types': 'actions,dependabot',
      'key-name': NAME,
    })

    expect(result.exitCode).toBe(0)
    const key = liveKey(NAME)
    for (const scope of [
      { repo: 'octo/app', type: 'actions' as const },
      { repo: 'octo/app', type: 'dependabot' as const },
      { org: 'octo', type: 'actions' as const },
      { org: 'octo', type: 'dependabot' as const },
    ]) {
      expect(sandbox.github.decrypt(scope, 'CAPGO_TOKEN')).toBe(key.key)
    }
    expect(sandbox.github.stored({ org: 'octo' }, 'CAPGO_TOKEN')).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [42, 43],
    })
    expect(JSON.parse(result.outputs.targets!)).toHaveLength(4)
  })

  it('two rotations with key-id-variable and keep-previous: 1 keep current and previous alive', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    const inputs = { 'key-id-variable': 'CAPGO_KEY_ID', 'keep-previous': '1' }
    const first = await run(inputs)
    const second = await run(inputs)
    const third = await run(inputs)

    for (const result of [first, second, third]) expect(result.exitCode).toBe(0)
    const live = sandbox.capgo.named(NAME).map((k) => k.id)
    expect(live).toEqual([Number(second.outputs['key-id']), Number(third.outputs['key-id'])])
    expect(sandbox.github.variable('octo/app', 'CAPGO_KEY_ID')).toBe(third.outputs['key-id'])
    expect(third.outputs['deleted-key-ids']).toBe(`[${first.outputs['key-id']}]`)
  })

  it('a dry run changes nothing and prints the plan', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    const result = await run({ 'dry-run': 'true' })

    expect(result.exitCode).toBe(0)
    expect(sandbox.capgo.mutatingRequests()).toHaveLength(0)
    expect(sandbox.github.mutatingRequests()).toHaveLength(0)
    expect(result.stdout).toContain("Dry run: create Capgo key 'github-actions:octo/app:CAPGO_TOKEN'")
  })

  it('a hung Capgo ends the run within the documented bound, cleanly', async () => {
    sandbox = await startSandbox({ generation: 'classic' })
    sandbox.github.addRepo('octo/app')
    sandbox.capgo.fault('GET', /^\/apikey\/$/, 'hang', { every: true })
    const result = await runBundle(sandbox.inputs(), {
      githubApiUrl: sandbox.github.baseUrl,
      env: { CAPGO_ROTATION_TIMEOUT_MS: '300', CAPGO_ROTATION_RETRY_BASE_MS: '10' },
    })

    expect(result.exitCode).toBe(1)
    expect(result.error).toContain('Capgo: list keys failed: no answer from')
    expect(result.error).toContain('within 0.3 s')
    // Three attempts of 0.3 s and two short backoffs: far below a minute, with no hang.
    expect(result.durationMs).toBeLessThan(10_000)
    expect(sandbox.capgo.requests.filter((r) => r.method === 'GET')).toHaveLength(3)
  })
})

describe('npm run demo', () => {
  it('shows two rotations end to end and exits 0', async () => {
    const { spawn } = await import('node:child_process')
    const child = spawn('npm', ['run', '-s', 'demo'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(out).toContain('== run 1, first rotation')
    expect(out).toContain('Deleted previous key')
    expect(out.match(/decrypts \(with the repository's private key\) to .*, the live key \d+/g)).toHaveLength(2)
    expect(out).not.toContain('a key that no longer exists')
  }, 60_000)
})
