import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLE } from '../sandbox/run-bundle.js'
import type { Sandbox } from '../sandbox/sandbox.js'
import { FAST, run, sandbox, useLoopback } from '../review/harness.js'

useLoopback()

// Cancelling a workflow run (or timeout-minutes, or cancel-in-progress) makes the runner send
// SIGINT, then SIGTERM 7.5 s later. Node's default handlers exit at once: the run's lease stays
// in the repository, and every re-run for the next 60 minutes fails saying another run "is under
// way", while nothing is. docs/contract.md: "A re-run converges" after any failure.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

/** Starts the bundle as the runner does and sends `signal` once Capgo has received the create. */
async function cancelDuringCreate(box: Sandbox, signal: NodeJS.Signals): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-cancel-'))
  try {
    writeFileSync(join(dir, 'output'), '')
    writeFileSync(join(dir, 'summary'), '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_RUN_ID: '77',
      RUNNER_TEMP: dir,
      ...FAST,
      CAPGO_ROTATION_TIMEOUT_MS: '20000',
    }
    for (const [name, value] of Object.entries(box.inputs({ strategy: 'create' })))
      env[`INPUT_${name.toUpperCase()}`] = value
    // The create is carried out, and its answer held back until the run is cancelled.
    box.capgo.fault('POST', /^\/apikey\/?$/, 'hang', { afterHandling: true })
    const child = spawn(process.execPath, [BUNDLE], { env, stdio: 'ignore' })
    const closed = new Promise<string>((resolve) => child.on('close', (code, sig) => resolve(`${code}/${sig}`)))
    while (!box.capgo.requests.some((r) => r.method === 'POST')) await new Promise((r) => setTimeout(r, 5))
    child.kill(signal)
    const ended = await closed
    box.capgo.clearFaults()
    // The step still leaves a job summary, saying the run stopped before it finished.
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain(
      '🛑 Stopped before the rotation finished: run it again',
    )
    return ended
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('a run cancelled by the runner', () => {
  // Fixed: src/index.ts catches SIGINT and SIGTERM (src/cancellation.ts) and gives the lease back
  // (GitHubLease.abandon) within 5 s, inside the runner's 7.5 s, then exits failed. The key the
  // cancelled create made is retired by name by the re-run, as after a lost create.
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during the create: a re-run converges', async (signal) => {
    const box = await sandbox('classic')
    try {
      const previous = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
      const ended = await cancelDuringCreate(box, signal)
      const again = await run(box, { strategy: 'create' })
      expect(ended).toBe('1/null')
      expect(again.exitCode).toBe(0)
      expect(box.capgo.isAlive(box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN'))).toBe(true)
      expect(box.capgo.named(NAME)).toHaveLength(1)
    } finally {
      await box.close()
    }
  })
})
