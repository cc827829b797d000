import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { envLines, SANDBOX_MANAGING_KEY, SANDBOX_TOKEN } from '../scripts/sandbox.js'
import { localActionProblem } from '../src/local-action-guard.js'
import { FakeGitHub } from './support/fake-github.js'
import { findLeaks } from './support/outputs.js'
import { summaryText } from './support/summary-text.js'
import { startSandbox, type Sandbox } from './sandbox/sandbox.js'

// `npm run local-action`: GitHub's @github/local-action runs src/main.ts with its own stub of
// @actions/core, against the sandbox that `npm run sandbox` keeps running, with a .env like
// .env.example. And the trap: started from another npm project, local-action stubs that project's
// @actions/core and the real one would print the key; the action refuses to start there.

const ROOT = join(import.meta.dirname, '..')
const BIN = join(ROOT, 'node_modules', '.bin', 'local-action')
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
let sandbox: Sandbox | undefined
let scratch: string | undefined

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
})

afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
  if (scratch) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
})

async function sandboxWithEnvFile(): Promise<{ sandbox: Sandbox; envFile: string; summaryFile: string; dir: string }> {
  sandbox = await startSandbox({ generation: 'classic', managingKey: SANDBOX_MANAGING_KEY, token: SANDBOX_TOKEN })
  sandbox.github.addRepo('octo/app')
  const dir = mkdtempSync(join(tmpdir(), 'capgo-local-action-'))
  scratch = dir
  const summaryFile = join(dir, 'summary.md')
  writeFileSync(summaryFile, '')
  const envFile = join(dir, '.env')
  const lines = envLines(sandbox).map((line) =>
    line.startsWith('GITHUB_STEP_SUMMARY=') ? `GITHUB_STEP_SUMMARY=${summaryFile}` : line,
  )
  writeFileSync(envFile, `${lines.join('\n')}\n`)
  return { sandbox, envFile, summaryFile, dir }
}

function localAction(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(BIN, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('npm run local-action', () => {
  it('is the script the README documents', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } })
    expect(pkg.scripts['local-action']).toBe('local-action . src/main.ts .env')
    expect(pkg.scripts.sandbox).toBe('tsx scripts/sandbox.ts')
  })

  it('.env.example holds the lines npm run sandbox prints for its default ports', () => {
    const defaults = {
      capgo: { baseUrl: 'http://127.0.0.1:4010' },
      github: { baseUrl: 'http://127.0.0.1:4011/api/v3' },
    } as Sandbox
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')
    for (const line of envLines(defaults)) expect(example).toContain(line)
  })

  it('rotates against the sandbox from the repository root, with the key kept out of the output', async () => {
    const { sandbox, envFile, summaryFile } = await sandboxWithEnvFile()
    const result = await localAction(ROOT, ['.', 'src/main.ts', envFile])

    expect(result.stdout).toContain('Running Action')
    const key = sandbox.capgo.named(NAME)
    expect(key).toHaveLength(1)
    expect(sandbox.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(key[0]!.key)
    // local-action's stub of @actions/core refuses to show an output holding a registered secret.
    expect(result.stdout).toContain('Skip output key since it may contain secret.')
    expect(result.stdout).toContain(`::set-output name=key-id::${key[0]!.id}`)
    expect(
      findLeaks(
        { log: result.stdout, stderr: result.stderr, summary: readFileSync(summaryFile, 'utf8'), outputs: {} },
        [SANDBOX_TOKEN, ...sandbox.capgo.allKeyValues()],
      ),
    ).toEqual([])
    expect(summaryText(readFileSync(summaryFile, 'utf8'))).toContain(`Rotated key ${key[0]!.id} into 1 secret`)
  }, 60_000)

  it('refuses to start from another npm project, where the key would be printed in clear', async () => {
    const { sandbox, envFile, dir } = await sandboxWithEnvFile()
    // Another project with its own @actions/core (and tsx, which local-action runs through npm exec).
    const other = join(dir, 'other-project')
    mkdirSync(join(other, 'node_modules', '@actions'), { recursive: true })
    for (const name of ['core', 'http-client', 'exec', 'io']) {
      cpSync(join(ROOT, 'node_modules', '@actions', name), join(other, 'node_modules', '@actions', name), {
        recursive: true,
      })
    }
    symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(other, 'node_modules', 'tsx'))
    mkdirSync(join(other, 'node_modules', '.bin'))
    symlinkSync('../tsx/dist/cli.mjs', join(other, 'node_modules', '.bin', 'tsx'))
    writeFileSync(
      join(other, 'package.json'),
      JSON.stringify({ name: 'other', version: '1.0.0', dependencies: { '@actions/core': '3.0.1', tsx: '4.23.15' } }),
    )

    const result = await localAction(other, [ROOT, 'src/main.ts', envFile])

    expect(result.stdout).toContain(
      `::error::Refusing to run: @github/local-action was started in ${other}, not in the action's directory ${ROOT}.`,
    )
    expect(sandbox.capgo.requests).toHaveLength(0)
    expect(sandbox.github.requests).toHaveLength(0)
    // Not even a mask command: the credentials were never read.
    expect(result.stdout).not.toContain(SANDBOX_MANAGING_KEY)
    expect(result.stdout).not.toContain(SANDBOX_TOKEN)
  }, 60_000)
})

describe('the guard against the wrong @actions/core', () => {
  it('never stands in the way of a runner, or of a run outside local-action', () => {
    expect(localActionProblem({}, '/somewhere')).toBeUndefined()
    expect(localActionProblem({ TARGET_ACTION_PATH: '/action', GITHUB_ACTIONS: 'true' }, '/somewhere')).toBeUndefined()
    expect(localActionProblem({ TARGET_ACTION_PATH: ROOT }, ROOT)).toBeUndefined()
    expect(localActionProblem({ TARGET_ACTION_PATH: ROOT }, join(ROOT, 'src'))).toContain('Refusing to run')
  })
})
