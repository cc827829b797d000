import { join } from 'node:path'
import nock from 'nock'
import { afterAll, beforeAll } from 'vitest'
import { FakeGitHub } from '../support/fake-github.js'
import { findLeaks } from '../support/outputs.js'
import { commandsIn, runnerLines } from '../support/runner-commands.js'
import { runBundle, type BundleRun } from '../sandbox/run-bundle.js'
import { startSandbox, type Sandbox } from '../sandbox/sandbox.js'
import type { Generation } from '../support/fake-capgo.js'

// Shared plumbing for the adversarial review: a fresh sandbox per test, the bundle run as the
// runner runs it, and the runner's view of its output (masks apply from their line on).

export function useLoopback(): void {
  beforeAll(async () => {
    await FakeGitHub.ready()
    nock.enableNetConnect('127.0.0.1')
  })
  afterAll(() => nock.disableNetConnect())
}

export async function sandbox(generation: Generation, repo = 'octo/app'): Promise<Sandbox> {
  const box = await startSandbox({ generation })
  box.github.addRepo(repo)
  return box
}

const GUARD = join(import.meta.dirname, 'loopback-guard.cjs')
export const FAST = {
  CAPGO_ROTATION_TIMEOUT_MS: '1000',
  CAPGO_ROTATION_RETRY_BASE_MS: '10',
  NODE_OPTIONS: `--require ${GUARD}`,
}

export async function run(
  box: Sandbox,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<BundleRun> {
  return runBundle(box.inputs(extra), {
    githubApiUrl: box.github.baseUrl,
    env: { ...FAST, ...env },
    killAfterMs: 90_000,
  })
}

/**
 * Secrets the runner would print in clear: a value on a line before its ::add-mask:: (or never
 * masked), on stdout or stderr. Models the runner: lines split at \r\n, \n, lone \r; a mask is
 * registered by a trimmed `::add-mask::value` line and applies to later lines only.
 */
export function unmaskedLeaks(result: BundleRun, secrets: readonly string[]): string[] {
  const leaks: string[] = []
  const masked = new Set<string>()
  let stopped: string | undefined
  for (const line of runnerLines(result.stdout)) {
    const trimmed = line.trimStart()
    if (stopped !== undefined) {
      if (trimmed === `::${stopped}::`) stopped = undefined
    } else if (trimmed.startsWith('::add-mask::')) {
      masked.add(trimmed.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
      continue
    } else if (trimmed.startsWith('::stop-commands::')) {
      stopped = trimmed.slice('::stop-commands::'.length)
    }
    for (const secret of secrets)
      if (secret && line.includes(secret) && !masked.has(secret))
        leaks.push(`stdout line shows ${secret.slice(0, 6)}… unmasked: ${line.slice(0, 80)}`)
  }
  // stderr is interleaved by the runner; anything there counts.
  for (const secret of secrets)
    if (secret && result.stderr.includes(secret)) leaks.push(`stderr shows ${secret.slice(0, 6)}…`)
  leaks.push(...findLeaks({ log: '', stderr: '', summary: result.summary, outputs: result.outputs }, secrets))
  return leaks
}

/** Workflow commands the action's output issues, other than the ones it legitimately uses. */
export function forgedCommands(result: BundleRun): string[] {
  const allowed = new Set(['add-mask', 'error', 'warning', 'notice', 'debug', 'group', 'endgroup'])
  return commandsIn(`${result.stdout}\n${result.stderr}`)
    .filter((c) => !allowed.has(c.name) || (/##\[/.test(c.line) && !c.line.trimStart().startsWith('::')))
    .map((c) => c.line)
}

export { runnerLines, commandsIn }
