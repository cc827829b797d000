// Runs the action in this process (src/, not dist/) the way the runner would set it up, and returns
// the job summary it wrote. Used by `npm run summary-pictures`; the tests have their own runner
// (test/support/run-action.ts) built on vitest.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { run } from '../src/main.js'
import { forgetSecrets } from '../src/secrets.js'
import { findLeaks, parseOutputFile } from '../test/support/outputs.js'

export interface InProcessRun {
  readonly summary: string
  readonly log: string
  readonly outputs: Record<string, string>
  readonly failed: boolean
}

export async function runInProcess(
  inputs: Record<string, string>,
  env: Record<string, string>,
  mustNotLeak: readonly string[],
): Promise<InProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-summary-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const saved = { ...process.env }
  for (const name of Object.keys(process.env))
    if (name.startsWith('INPUT_') || name.startsWith('GITHUB_')) delete process.env[name]
  Object.assign(process.env, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo/app',
    ...env,
  })
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
  forgetSecrets()
  // core.summary caches the file's path on first use; each run has its own file.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined

  // The log is the runner's business here: keep it, do not print it.
  let log = ''
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }) as typeof process.stdout.write
  try {
    await run({
      tuning: {
        capgoRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 10, sleep: async () => undefined },
        githubRetries: 0,
      },
    })
  } finally {
    process.stdout.write = write
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
  const failed = process.exitCode === 1
  process.exitCode = undefined
  const result = {
    summary: readFileSync(summaryFile, 'utf8'),
    log,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    failed,
  }
  rmSync(dir, { recursive: true, force: true })
  const leaks = findLeaks(result, mustNotLeak)
  if (leaks.length > 0) throw new Error(`refusing to keep a summary that leaks: ${leaks.join('; ')}`)
  return result
}
