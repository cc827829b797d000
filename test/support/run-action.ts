import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { expect, vi } from 'vitest'
import { run, type RunOptions } from '../../src/main.js'
import { forgetSecrets } from '../../src/secrets.js'
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

const noWait = { attempts: 3, baseDelayMs: 1, maxDelayMs: 60_000, sleep: async () => undefined }

export async function runAction(
  inputs: Record<string, string>,
  options: {
    env?: Record<string, string>
    mustNotLeak?: () => string[]
    runOptions?: RunOptions
    afterRun?: () => void
  } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-rotation-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  vi.stubEnv('GITHUB_OUTPUT', outputFile)
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile)
  vi.stubEnv('GITHUB_REPOSITORY', 'octo/app')
  vi.stubEnv('GITHUB_API_URL', 'https://github.test/api/v3')
  // Each run starts from no inputs, as a fresh step would, even when one test runs several.
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) vi.stubEnv(name, undefined)
  for (const [name, value] of Object.entries(options.env ?? {})) vi.stubEnv(name, value)
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)

  let log = ''
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  })
  forgetSecrets()
  // core.summary caches the summary file's path on first use; each run here has its own file.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  try {
    await run({ capgoRetry: noWait, ...options.runOptions })
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
  expectNoLeak(result, options.mustNotLeak?.() ?? [])
  options.afterRun?.()
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
export function expectNoLeak(result: Pick<ActionRun, 'log' | 'outputs' | 'summary'>, secrets: string[]): void {
  expect(findLeaks(result, secrets)).toEqual([])
}

/** A whole run against the fakes, checked for leaks of the token and of every Capgo key. */
export function runAgainst(
  capgo: FakeCapgo,
  github: FakeGitHub,
  extra: Record<string, string> = {},
  runOptions: RunOptions = {},
): Promise<ActionRun> {
  return runAction(fakeInputs(capgo, github, extra), {
    mustNotLeak: () => [github.token, ...capgo.allKeyValues()],
    runOptions,
    afterRun: () => expectLeaseReleased(github),
  })
}

export { fakeInputs }
