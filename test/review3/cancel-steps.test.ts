import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLE } from '../sandbox/run-bundle.js'
import type { Sandbox } from '../sandbox/sandbox.js'
import type { RecordedRequest } from '../support/fake-http.js'
import { FAST, run, sandbox, unmaskedLeaks, useLoopback } from '../review/harness.js'

useLoopback()

// The runner cancels (SIGINT) while one request of each step is in flight: carried out by the
// server, its answer held back. Whatever the step, the lease is given back, the managing key is
// never lost, and a re-run (with whatever managing-key-secret then holds) converges: every target
// on a live key, one key named key-name, and no managing key left alive that no secret holds.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const ADMIN = 'CAPGO_ADMIN_KEY'

interface Step {
  readonly name: string
  readonly service: 'capgo' | 'github'
  readonly method: string
  readonly path: RegExp
  /** Which matching request (1-based). */
  readonly nth?: number
  /** The cancel may leave a managing key alive (the secret's write is in doubt): the log must name it. */
  readonly named?: boolean
}

const STEPS: Step[] = [
  { name: 'taking the lease', service: 'github', method: 'POST', path: /\/actions\/variables$/ },
  { name: 'preflight: the key list', service: 'capgo', method: 'GET', path: /^\/apikey\/?$/ },
  { name: 'the create', service: 'capgo', method: 'POST', path: /^\/apikey\/?$/ },
  { name: 'the target write', service: 'github', method: 'PUT', path: /\/secrets\/CAPGO_TOKEN$/ },
  { name: 'the delete of the previous key', service: 'capgo', method: 'DELETE', path: /^\/apikey\/\d+$/ },
  {
    name: 'renewal: the delete of the old managing key',
    service: 'capgo',
    method: 'DELETE',
    path: /^\/apikey\/\d+$/,
    nth: 2,
  },
]

/** Starts the bundle as the runner does, and sends SIGINT once `step`'s request has reached the server. */
async function cancelAt(
  box: Sandbox,
  inputs: Record<string, string>,
  step: Step,
): Promise<{ ended: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-cancel3-'))
  try {
    writeFileSync(join(dir, 'output'), '')
    writeFileSync(join(dir, 'summary'), '')
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_API_URL: box.github.baseUrl,
      GITHUB_RUN_ID: '77',
      RUNNER_TEMP: dir,
      ...FAST,
      CAPGO_ROTATION_TIMEOUT_MS: '20000',
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const service = box[step.service]
    service.fault(step.method, step.path, 'hang', { afterHandling: true, nth: step.nth ?? 1 })
    const child = spawn(process.execPath, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    const closed = new Promise<string>((resolve) => child.on('close', (code, sig) => resolve(`${code}/${sig}`)))
    const matching = (r: RecordedRequest) => r.method === step.method && step.path.test(r.path)
    const deadline = Date.now() + 30_000
    while (service.requests.filter(matching).length < (step.nth ?? 1)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never reached: ${step.name}\n${out}`)
      await new Promise((r) => setTimeout(r, 5))
    }
    child.kill('SIGINT')
    const ended = await closed
    service.clearFaults()
    return { ended, out }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Fixed (managing-key.ts, cancelClassic): a cancel during the renewal's create (classic) left the new
// mode-all key alive and held by no secret, and one during its secret write left whichever key the
// secret does not hold alive, named in no message; no later run retires either.
const RENEWAL: Step[] = [
  { name: 'renewal: the create', service: 'capgo', method: 'POST', path: /^\/apikey\/?$/, nth: 2 },
  {
    name: 'renewal: the secret write',
    service: 'github',
    method: 'PUT',
    path: /\/secrets\/CAPGO_ADMIN_KEY$/,
    named: true,
  },
]

describe('a run cancelled during each step, then run again', () => {
  it.each([...STEPS, ...RENEWAL])('$name', cancelThenRerun, 120_000)
})

async function cancelThenRerun(step: Step): Promise<void> {
  {
    const box = await sandbox('classic')
    try {
      const previous = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
      box.github.sealAndStore({ repo: 'octo/app' }, ADMIN, box.capgo.managingKey.key)
      // As the last rotation left them, days ago (a lost create's sweep proves them unchanged since).
      box.github.age(7)
      const managingName = box.capgo.managingKey.name
      const managingCount = box.capgo.named(managingName).length
      const renewing = { strategy: 'create', 'managing-key-secret': ADMIN }
      const { ended, out } = await cancelAt(box, box.inputs(renewing), step)
      const problems: string[] = []
      if (ended !== '1/null') problems.push(`cancelled run ended ${ended}`)
      const leases = box.github.variableNames('octo/app').filter((n) => n.startsWith('CAPGO_ROTATION_LEASE_'))
      if (leases.length > 0) problems.push(`lease left: ${leases.join(', ')}`)
      // The managing key in the secret still works: the re-run starts with it.
      const admin = box.github.decrypt({ repo: 'octo/app' }, ADMIN)
      if (!box.capgo.isAlive(admin)) problems.push('managing-key-secret holds a dead key after the cancel')
      const again = await run(box, { ...box.inputs(renewing), 'capgo-api-key': admin })
      if (again.exitCode !== 0) problems.push(`re-run failed: ${again.error?.slice(0, 300)}`)
      if (!box.capgo.isAlive(box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')))
        problems.push('CAPGO_TOKEN holds a dead key')
      const adminAfter = box.github.decrypt({ repo: 'octo/app' }, ADMIN)
      if (!box.capgo.isAlive(adminAfter)) problems.push('managing-key-secret holds a dead key after the re-run')
      if (box.capgo.named(NAME).length !== 1) problems.push(`${box.capgo.named(NAME).length} keys named key-name`)
      // Mode-all keys of the managing key's name that no secret holds: full rights, held by nobody.
      // (Those a run says to delete are the user's to delete, as after a lost write.)
      const orphans = box.capgo
        .named(managingName)
        .filter((k) => k.key !== adminAfter && !(step.named && new RegExp(`::warning::.*\\b${k.id}\\b`).test(out)))
      if (box.capgo.named(managingName).length > managingCount && orphans.length > 0)
        problems.push(`orphan managing keys alive, named nowhere: ${orphans.map((k) => k.id).join(', ')}`)
      problems.push(...unmaskedLeaks(again, [...box.capgo.allKeyValues(), box.token]))
      expect(problems).toEqual([])
    } finally {
      await box.close()
    }
  }
}
