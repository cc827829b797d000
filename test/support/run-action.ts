import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { expect, vi } from 'vitest'
import { run } from '../../src/main.js'
import { DEFAULT_RETRY_POLICY } from '../../src/retry.js'
import { forgetSecrets } from '../../src/secrets.js'
import type { Tuning } from '../../src/settings.js'
import type { FakeCapgo } from './fake-capgo.js'
import type { FakeGitHub } from './fake-github.js'
import { fakeInputs } from './fake-inputs.js'
import { findLeaks, parseOutputFile } from './outputs.js'

// Runs the action in-process the way the runner would set it up: INPUT_* variables (hyphens
// kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and stdout as the log.

export interface ActionRun {
  readonly log: string
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly failed: boolean
  /** The ::error:: message, decoded. */
  readonly error: string | undefined
}

export interface ActionStep {
  /** GITHUB_REPOSITORY: the workflow's repository, which the default key-name and bare repository names come from. */
  readonly repository: string
  /** The step's `with:`. */
  readonly inputs: Record<string, string>
  /** Over what readTuning() reads from the environment: NO_CAPGO_RETRY_WAITS, or {} for a run's own waits. */
  readonly tuning: Partial<Tuning>
  /** Asked once the run is over (it makes keys): none of these may show in the log, the summary or an output but `key`. */
  readonly mustNotLeak: () => readonly string[]
  /** More of the step's environment (CAPGO_ROTATION_*, GITHUB_SERVER_URL, GITHUB_API_URL...). */
  readonly env?: Record<string, string>
  /** A check after the run, e.g. expectLeaseReleased. */
  readonly afterRun?: () => void
}

/**
 * Capgo's retries as a run makes them (attempts, the longest Retry-After waited for), without the
 * waits. GitHub's plugin-retry keeps the base CAPGO_ROTATION_RETRY_BASE_MS gives (1 s by default).
 */
export const NO_CAPGO_RETRY_WAITS: Partial<Tuning> = {
  capgoRetry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, sleep: async () => undefined },
}

/** What no run against these fakes may print: the token and every Capgo key ever issued. */
export const credentialsOf = (capgo: FakeCapgo, github: FakeGitHub) => (): string[] => [
  github.token,
  ...capgo.allKeyValues(),
]

export async function runAction(step: ActionStep): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-rotation-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  vi.stubEnv('GITHUB_OUTPUT', outputFile)
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile)
  vi.stubEnv('GITHUB_REPOSITORY', step.repository)
  // A GHES-like API URL and no GITHUB_SERVER_URL: the summary knows no web server, so links none.
  vi.stubEnv('GITHUB_API_URL', 'https://github.test/api/v3')
  // Each run starts from no inputs, as a fresh step would, even when one test runs several.
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined)
  for (const [name, value] of Object.entries(step.env ?? {})) vi.stubEnv(name, value)
  for (const [name, value] of Object.entries(step.inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)

  let log = ''
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  })
  forgetSecrets()
  // core.summary caches the summary file's path on first use; each run here has its own file.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  try {
    await run({ tuning: step.tuning })
  } finally {
    write.mockRestore()
  }
  const failed = process.exitCode === 1
  process.exitCode = undefined
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const summary = readFileSync(summaryFile, 'utf8')
  const errorLine = log.split('\n').find((line) => line.startsWith('::error::'))
  const error = errorLine ? decodeCommand(errorLine.slice('::error::'.length)) : undefined
  const result = { log, outputs, summary, failed, error }
  expectNoLeak(result, step.mustNotLeak())
  step.afterRun?.()
  return result
}

/** Every run gives its lease back, whatever happened. */
export function expectLeaseReleased(github: FakeGitHub): void {
  for (const repo of github.variables.keys())
    expect(github.variableNames(repo).filter((n) => n.startsWith('CAPGO_ROTATION_LEASE_'))).toEqual([])
}

function decodeCommand(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}

/** No credential in the log, the summary, or any output but `key`. */
export function expectNoLeak(result: Pick<ActionRun, 'log' | 'outputs' | 'summary'>, secrets: readonly string[]): void {
  expect(findLeaks(result, secrets)).toEqual([])
}

export { fakeInputs }
