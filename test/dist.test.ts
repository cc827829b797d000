import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import { BUNDLE as bundle, runBundle } from './sandbox/run-bundle.js'
import { startSandbox } from './sandbox/sandbox.js'
import { FakeGitHub } from './support/fake-github.js'
import { parseOutputFile } from './support/outputs.js'
import { summaryText } from './support/summary-text.js'

// The runner executes the committed bundle, not src/: start it the same way, in a child process
// with a clean environment, INPUT_* variables (hyphens kept) and the runner's files.

describe('dist/index.js', () => {
  it('starts and fails cleanly with no inputs', async () => {
    const result = await runBundle({})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^::error::Invalid inputs:%0A {2}- capgo-api-key is empty/m)
    expect(result.stdout).toContain('github-token is empty')
    // A clean failure: no stack trace, no module-loading error from a broken bundle.
    expect(result.stdout).not.toMatch(/\n\s+at |Cannot find module|ERR_/)
  })

  it('rejects a bad input before sending any request, without printing the credentials', async () => {
    const result = await runBundle({
      'capgo-api-key': 'capgo-managing-key-value',
      'github-token': 'github-token-value',
      'capgo-api-url': 'http://127.0.0.1:9',
      'key-mode': 'admin',
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("::error::Invalid input: key-mode: 'admin' is not one of read, upload, write, all")
    const printed = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(printed).not.toContain('capgo-managing-key-value')
    expect(printed).not.toContain('github-token-value')
    expect(result.stdout).toContain('::add-mask::capgo-managing-key-value')
    expect(result.stdout).toContain('::add-mask::github-token-value')
    const summary = summaryText(result.summary)
    expect(summary).toContain('❌ Failed: no secret was written')
    expect(summary).toContain("Invalid input: key-mode: 'admin' is not one of read, upload, write, all")
  })
})

describe('dist/index.js as a module', () => {
  // @github/local-action and other tools import the bundle and call run() themselves: the import
  // alone must not start a rotation; only `node dist/index.js` (the runner's way) does.
  it('does nothing when imported, and exports run(), which rotates when called', async () => {
    await FakeGitHub.ready()
    nock.enableNetConnect('127.0.0.1')
    const sandbox = await startSandbox({ generation: 'classic' })
    try {
      sandbox.github.addRepo('octo/app')
      const dir = mkdtempSync(join(tmpdir(), 'capgo-import-'))
      const outputFile = join(dir, 'output')
      writeFileSync(outputFile, '')
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        GITHUB_OUTPUT: outputFile,
        GITHUB_REPOSITORY: 'octo/app',
      }
      for (const [name, value] of Object.entries(sandbox.inputs())) env[`INPUT_${name.toUpperCase()}`] = value
      // Imports, reports what the import alone did, then calls run().
      const script = [
        `const bundle = await import(${JSON.stringify(pathToFileURL(bundle).href)})`,
        `await new Promise((resolve) => setTimeout(resolve, 300))`,
        `process.stderr.write('imported: run is a ' + typeof bundle.run + '\\n')`,
        `process.stderr.write('PHASE-2\\n')`,
        `await bundle.run()`,
      ].join('\n')
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      let requestsAfterImport: number | undefined
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8')
        if (stderr.includes('PHASE-2') && requestsAfterImport === undefined) {
          requestsAfterImport = sandbox.capgo.requests.length + sandbox.github.requests.length
        }
      })
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))

      expect(stderr).toContain('imported: run is a function')
      expect(requestsAfterImport).toBe(0)
      expect(exitCode).toBe(0)
      const key = sandbox.capgo.named('github-actions:octo/app:CAPGO_TOKEN')[0]!
      expect(sandbox.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(key.key)
      expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toMatchObject({
        rotated: 'true',
        'key-id': String(key.id),
      })
      expect(stdout).not.toContain('::error::')
    } finally {
      await sandbox.close()
    }
  })

  it('importing src/index.ts in a test process runs nothing either', async () => {
    const before = process.exitCode
    const module = await import('../src/index.js')
    expect(typeof module.run).toBe('function')
    expect(process.exitCode).toBe(before)
  })
})

describe('bundle size', () => {
  // A budget, so that the bundle does not grow without a reason: raise it in the same commit as
  // the dependency that needs it. libsodium lives in its own chunk, loaded only to seal; the
  // clients and the rotation in theirs, loaded once the inputs are good.
  it('keeps dist/index.js under 1.5 MiB, the libsodium chunk under 0.5 MiB and the others under 0.5 MiB together', () => {
    const main = statSync(bundle).size
    const chunks = chunkFiles().map((f) => ({ name: f, size: statSync(join(dist, f)).size }))
    const sodium = chunks.filter((c) => isSodiumChunk(c.name))
    expect(main).toBeLessThan(1.5 * 1024 * 1024)
    expect(sodium).toHaveLength(1)
    expect(sodium[0]!.size).toBeLessThan(0.5 * 1024 * 1024)
    expect(chunks.filter((c) => !isSodiumChunk(c.name)).reduce((sum, c) => sum + c.size, 0)).toBeLessThan(
      0.5 * 1024 * 1024,
    )
  })
})

describe('what a run loads', () => {
  // A copy of dist/ without some chunks: a run that needed one would fail to load it.
  let copy: string | undefined
  afterEach(() => {
    if (copy) rmSync(copy, { recursive: true, force: true })
    copy = undefined
  })
  const distWithout = (drop: (chunk: string) => boolean): string => {
    copy = mkdtempSync(join(tmpdir(), 'capgo-dist-'))
    for (const file of readdirSync(dist)) if (!drop(file)) copyFileSync(join(dist, file), join(copy, file))
    return join(copy, 'index.js')
  }

  it('fails on missing inputs with dist/index.js alone: the clients, the rotation and libsodium stay unloaded', async () => {
    const result = await runBundle({}, { bundle: distWithout((f) => chunkFiles().includes(f)) })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^::error::Invalid inputs:%0A {2}- capgo-api-key is empty/m)
    expect(result.stdout).not.toMatch(/Cannot find module|ERR_/)
  })

  it('makes a dry run without libsodium, and needs it to rotate', async () => {
    const sandbox = await startSandbox({ generation: 'classic' })
    try {
      sandbox.github.addRepo('octo/app')
      const withoutSodium = distWithout(isSodiumChunk)
      const dry = await runBundle(sandbox.inputs({ repositories: 'octo/app', 'dry-run': 'true' }), {
        bundle: withoutSodium,
        githubApiUrl: sandbox.github.baseUrl,
      })
      expect(dry.error).toBeUndefined()
      expect(dry.exitCode).toBe(0)
      // The same copy cannot rotate: the check above would pass vacuously if sealing needed no chunk.
      const rotation = await runBundle(sandbox.inputs({ repositories: 'octo/app' }), {
        bundle: withoutSodium,
        githubApiUrl: sandbox.github.baseUrl,
      })
      expect(rotation.exitCode).toBe(1)
      expect(rotation.error).toMatch(/Cannot find module .*\.index\.js/)
      expect(sandbox.github.mutatingRequests()).toHaveLength(0)
    } finally {
      await sandbox.close()
    }
  })
})

const dist = dirname(bundle)
const chunkFiles = () => readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'index.js')
const isSodiumChunk = (file: string) =>
  file !== 'index.js' && file.endsWith('.js') && readFileSync(join(dist, file), 'utf8').includes('libsodium')
