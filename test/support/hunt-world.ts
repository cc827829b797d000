import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { CapgoClient, proxyAwareFetch, type IssuedKey } from '../../src/capgo-client.js'
import { createGitHubClient } from '../../src/github-client.js'
import { targetsOf, type TargetRef } from '../../src/targets.js'
import { createLogger, type LogSink } from '../../src/logger.js'
import type { ManagingKeyOutcome, ManagingKeyRenewal } from '../../src/managing-key.js'
import { setOutputs, writeSummary } from '../../src/report.js'
import { errorMessage } from '../../src/error-message.js'
import { rotate, type RotationDeps, type RotationReport } from '../../src/rotation.js'
import { wireRotation } from '../../src/rotation-deps.js'
import { CollectingLogger } from '../../src/run-log.js'
import { initSodium } from '../../src/sealing.js'
import { registerSecret } from '../../src/secrets.js'
import { readSettings, readTuning, type Settings } from '../../src/settings.js'
import { FakeCapgo, type FakeKey } from './fake-capgo.js'
import { FakeGitHub, type Scope } from './fake-github.js'
import { serve, type FakeService, type FaultAction } from './fake-http.js'
import { fakeInputs } from './fake-inputs.js'
import { parseOutputFile } from './outputs.js'
import { STEPS, type FaultSpec, type Scenario } from './hunt-scenario.js'

// One hunt case's world: the two fakes as loopback HTTP servers (hangs and resets need real
// sockets), seeded as the scenario says, and rotations run in-process the way src/main.ts wires
// them, each with its own settings, CapgoClient, Octokit, lease and safe logger (recorded instead
// of printed), so that two can overlap.

export const TOKEN = 'github_pat_hunt00000000000000000000000000000'
export const SECRET = 'CAPGO_TOKEN'
export const VARIABLE = 'CAPGO_KEY_ID'
export const WORKFLOW_REPO = 'octo/app'
export const KEY_NAME = 'hunt-rotation'
const DAY_MS = 86_400_000

/**
 * Per attempt, in the faulted runs: short, so that a hang costs little. A loaded machine may make
 * an answer miss it: that is one more fault, which the invariants must survive all the same.
 */
export const HUNT_TIMEOUT_MS = 300
/** The clean re-run has no faults: a generous timeout keeps a loaded machine from making one. */
export const CLEAN_TIMEOUT_MS = 10_000
const RETRY_BASE_MS = 2

export interface World {
  readonly scenario: Scenario
  readonly capgo: FakeCapgo
  readonly github: FakeGitHub
  /** The settings every run reads (each run reads them again, as a run of the action does). */
  readonly settings: Settings
  /** The step's inputs and environment, as the runner would give them. */
  readonly inputs: Readonly<Record<string, string>>
  readonly env: NodeJS.ProcessEnv
  /** The targets and the fake's collection each lives in. */
  readonly targets: ReadonlyArray<{ readonly ref: TargetRef; readonly scope: Scope; readonly label: string }>
  /** The managing key's value at the start: it must never change. */
  readonly managingValue: string
  /** Which key id a value belonged to, for diagnoses (initial keys and every key a run was given). */
  readonly idOfValue: Map<string, number>
  close(): Promise<void>
}

export interface RunRecord {
  readonly label: string
  /** Undefined when the inputs were refused. */
  readonly settings: Settings | undefined
  readonly report: RotationReport | undefined
  readonly renewal: ManagingKeyOutcome | undefined
  /** What the run failed with (report.failure, or what rotate threw); undefined on success. */
  readonly failure: string | undefined
  /** What the safe logger handed @actions/core, one entry per call ('warning: ...' and so on). */
  readonly log: string[]
  /** The ::error:: text the action prints (src/main.ts: log.setFailed(failure), redacted and made safe). */
  readonly printedError: string | undefined
  /** What the CollectingLogger kept for the summary. */
  readonly warnings: readonly string[]
  readonly notices: readonly string[]
  readonly startedAt: Date
  readonly finishedAt: Date
  outputs: Record<string, string>
  summary: string
}

export async function buildWorld(scenario: Scenario): Promise<World> {
  await Promise.all([FakeGitHub.ready(), initSodium()])
  const capgoServer = await serve(new FakeCapgo(scenario.generation, 'http://127.0.0.1'))
  const githubServer = await serve(new FakeGitHub(TOKEN, 'http://127.0.0.1/api/v3'), '/api/v3')
  const capgo = capgoServer.fake
  const github = githubServer.fake
  const close = async () => {
    await Promise.all([capgoServer.close(), githubServer.close()])
  }
  try {
    github
      .addRepo('octo/app', { environments: ['production'] })
      .addRepo('octo/web', { environments: ['production'] })
      .addOrg('octo')
    const inputs = inputsOf(scenario, capgo, github)
    const env = { GITHUB_REPOSITORY: WORKFLOW_REPO, GITHUB_API_URL: github.baseUrl }
    const settings = readSettings((name) => inputs[name] ?? '', env)
    const targets = targetsOf(settings).map((ref) => ({ ref, scope: scopeOf(ref), label: labelOf(ref) }))

    // Earlier keys, newest first; current Capgo gets exactly what regenerate needs (keep-previous + 1).
    // A not-due start is what a successful run leaves: at most keep-previous + 1 of them, every
    // target on the newest.
    const notDue = scenario.rotateAfterDays && !scenario.due
    const count =
      scenario.generation === 'current'
        ? scenario.keepPrevious + 1
        : notDue
          ? Math.max(1, Math.min(scenario.earlierKeys, scenario.keepPrevious + 1))
          : scenario.earlierKeys
    const earlier: FakeKey[] = []
    for (let i = 0; i < count; i++) {
      earlier.push(
        capgo.addKey({ name: settings.keyName, created_at: new Date(Date.now() - (i + 1) * DAY_MS).toISOString() }),
      )
    }
    const idOfValue = new Map<string, number>([...capgo.keys.values()].map((k) => [k.key, k.id]))

    const heldIndex = (i: number) => (notDue ? 0 : scenario.held[i]!)
    targets.forEach((target, i) => {
      const key = earlier[heldIndex(i)]
      if (heldIndex(i) < 0 || !key) return
      const access = 'org' in target.scope ? orgFields(scenario, github) : {}
      github.sealAndStore(target.scope, SECRET, key.key, access)
    })
    const firstHeld = earlier[heldIndex(0)]
    if (settings.keyIdVariable && scenario.variableSet && firstHeld && heldIndex(0) >= 0) {
      github.setVariable(WORKFLOW_REPO, VARIABLE, String(firstHeld.id))
    }
    if (scenario.rotateAfterDays && scenario.due) github.age(40)

    for (const fault of scenario.faults) applyFault(fault, capgo, github)
    randomLatency(capgo, scenario.latencySeed, scenario.maxLatencyMs)
    randomLatency(github, scenario.latencySeed ^ 0x5bd1e995, scenario.maxLatencyMs)
    if (!scenario.leaseWritable) denyLease(github)
    return {
      scenario,
      capgo,
      github,
      settings,
      inputs,
      env,
      targets,
      managingValue: capgo.managingKey.key,
      idOfValue,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

function inputsOf(scenario: Scenario, capgo: FakeCapgo, github: FakeGitHub): Record<string, string> {
  const { targets } = scenario
  const strategy = scenario.strategy === 'auto' ? 'auto' : scenario.generation === 'classic' ? 'create' : 'regenerate'
  return {
    ...fakeInputs(capgo, github),
    // Required once a target lies outside the workflow's repository; set always, so that the hunt's
    // shapes all name the same rotation.
    'key-name': KEY_NAME,
    strategy,
    'keep-previous': String(scenario.keepPrevious),
    ...(scenario.keyIdVariable ? { 'key-id-variable': VARIABLE } : {}),
    ...(scenario.rotateAfterDays ? { 'rotate-after-days': '30' } : {}),
    ...(scenario.expiresInDays ? { 'expires-in-days': '90' } : {}),
    repositories: ['app', 'web'].slice(0, targets.repos).join(','),
    ...(targets.environment ? { environment: 'production' } : {}),
    'secret-types': targets.types.join(','),
    ...(targets.organization ? { organization: 'octo' } : {}),
  }
}

function orgFields(scenario: Scenario, github: FakeGitHub): Record<string, unknown> {
  return scenario.targets.orgVisibility === 'selected'
    ? { visibility: 'selected', selected_repository_ids: [github.repoIds.get('octo/web')!] }
    : { visibility: 'private' }
}

function scopeOf(ref: TargetRef): Scope {
  switch (ref.kind) {
    case 'repository':
      return { repo: `${ref.owner}/${ref.repo}`, type: ref.type }
    case 'environment':
      return { repo: `${ref.owner}/${ref.repo}`, environment: ref.environment }
    case 'organization':
      return { org: ref.owner, type: ref.type }
  }
}

function labelOf(ref: TargetRef): string {
  switch (ref.kind) {
    case 'repository':
      return `${ref.owner}/${ref.repo} ${ref.type}`
    case 'environment':
      return `${ref.owner}/${ref.repo} env ${ref.environment}`
    case 'organization':
      return `org ${ref.owner} ${ref.type}`
  }
}

/** The answer a fault gives, shaped like each service's own errors. */
export function faultAction(service: 'capgo' | 'github', kind: FaultSpec['kind'], credential: string): FaultAction {
  if (kind === 'echo') {
    const message = `internal error serving ${credential}`
    return [500, service === 'capgo' ? { error: 'internal_error', message } : { message }]
  }
  if (typeof kind === 'string') return kind
  const capgoCode: Record<number, string> = {
    401: 'invalid_apikey',
    403: 'forbidden',
    404: 'not_found',
    429: 'too_many_requests',
  }
  const body =
    service === 'capgo'
      ? { error: capgoCode[kind] ?? 'internal_error', message: `fault ${kind}` }
      : { message: `fault ${kind}` }
  // Retry-After: 0 keeps a rate-limit retry cheap, and still goes through the code that honours it.
  return [kind, body, kind === 429 ? { 'retry-after': '0' } : {}]
}

export function applyFault(fault: FaultSpec, capgo: FakeCapgo, github: FakeGitHub): void {
  const step = STEPS[fault.step]
  const service: FakeService = step.service === 'capgo' ? capgo : github
  const credential = step.service === 'capgo' ? capgo.managingKey.key : github.token
  const when = fault.occurrence === 'every' ? { every: true } : { nth: fault.occurrence }
  service.fault(step.method, step.path, faultAction(step.service, fault.kind, credential), {
    ...when,
    afterHandling: fault.applied,
  })
}

/**
 * The token cannot see the lease's place (GitHub answers 404): every run goes on unguarded, with a
 * warning (src/lease.ts). Stands for any way two runs miss each other's lease; key-id-variable
 * stays writable. (A 403 would stop the run in preflight instead.)
 */
function denyLease(github: FakeGitHub): void {
  const dispatch = github.dispatch.bind(github)
  github.dispatch = async (method, path, headers, body) => {
    const name = String((body as { name?: unknown } | undefined)?.name ?? '')
    if (method === 'POST' && /\/actions\/variables$/.test(path) && name.startsWith('CAPGO_ROTATION_LEASE_')) {
      return { kind: 'reply', reply: [404, { message: 'Not Found' }] }
    }
    // Nor can it list them: the lease's check that the 404 means "cannot see the repository".
    if (method === 'GET' && /\/actions\/variables(\?.*)?$/.test(path)) {
      return { kind: 'reply', reply: [404, { message: 'Not Found' }] }
    }
    return dispatch(method, path, headers, body)
  }
}

/** Per-request latency from a seeded generator, so that overlapping runs interleave differently by seed. */
function randomLatency(service: FakeService, seed: number, maxMs: number): void {
  let state = seed >>> 0
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  // Mostly up to maxMs, and one request in four a straggler of 3 to 8 × maxMs: races between two
  // runs need one slow answer among quick ones. FakeService reads latencyMs twice per request
  // (whether to wait, then how long); the second read decides.
  const latency = () => (next() < 1 / 4 ? maxMs * (3 + 5 * next()) : next() * maxMs)
  Object.defineProperty(service, 'latencyMs', { configurable: true, get: () => Math.floor(latency()) })
}

export function stopLatency(service: FakeService): void {
  Object.defineProperty(service, 'latencyMs', { configurable: true, writable: true, value: 0 })
}

/** The sink under the safe logger: what @actions/core would print, one entry per call. */
function recordingSink(lines: string[], failed: { message?: string }): LogSink {
  return {
    info: (message) => lines.push(String(message)),
    notice: (message) => lines.push(`notice: ${String(message)}`),
    warning: (message) => lines.push(`warning: ${String(message)}`),
    debug: (message) => lines.push(`debug: ${message}`),
    error: (message) => lines.push(`error: ${String(message)}`),
    setFailed: (message) => {
      failed.message = String(message)
    },
  }
}

export interface RunOptions {
  /** Per attempt, to both services. */
  readonly timeoutMs?: number
  /** Wraps the run's Capgo and GitHub interfaces: a deterministic test orders two runs with it. */
  readonly wrap?: (deps: RotationDeps) => RotationDeps
}

/**
 * One run as src/main.ts wires it: its own settings (readSettings with GITHUB_REPOSITORY, which
 * registers the credentials), CapgoClient, Octokit logging through the run's safe logger, lease
 * (its own holder) and CollectingLogger; only the retry base and timeouts are the hunt's.
 * Never throws. Keep in step with run() in src/main.ts.
 */
export async function runRotation(world: World, label: string, options: RunOptions = {}): Promise<RunRecord> {
  // The knobs a step's env would set: the hunt's timeout and a short retry base.
  const tuning = readTuning({
    CAPGO_ROTATION_TIMEOUT_MS: String(options.timeoutMs ?? HUNT_TIMEOUT_MS),
    CAPGO_ROTATION_RETRY_BASE_MS: String(RETRY_BASE_MS),
  })
  const lines: string[] = []
  const failed: { message?: string } = {}
  const log = new CollectingLogger(createLogger(recordingSink(lines, failed)))
  const startedAt = new Date()
  let settings: Settings | undefined
  let report: RotationReport | undefined
  let renewal: ManagingKeyRenewal | undefined
  let failure: string | undefined
  try {
    settings = readSettings((name) => world.inputs[name] ?? '', world.env)
    const { capgoApiUrl } = settings
    const capgoAs = (apiKey: string) =>
      new CapgoClient({
        baseUrl: capgoApiUrl,
        apiKey,
        fetch: proxyAwareFetch(capgoApiUrl),
        timeoutMs: tuning.timeoutMs,
        retry: {
          ...tuning.capgoRetry,
          onRetry: (attempt, delayMs, error) =>
            log.info(`${errorMessage(error)} Retry ${attempt} in ${Math.round(delayMs)} ms.`),
        },
        onKeyMaterial: registerSecret,
      })
    const capgo = capgoAs(settings.capgoApiKey)
    const octokit = createGitHubClient({
      token: settings.githubToken,
      baseUrl: settings.githubApiUrl,
      timeoutMs: tuning.timeoutMs,
      retries: tuning.githubRetries,
      retryBaseMs: tuning.githubRetryBaseMs,
      log,
    })
    const wired = wireRotation({ settings, capgo, capgoAs, octokit, log, runId: `${label.replace(/[^\w]+/g, '-')}/1` })
    renewal = wired.renewal
    const deps: RotationDeps = wired.deps
    report = await rotate(settings, options.wrap ? options.wrap(deps) : deps)
    failure = report.failure
  } catch (error) {
    failure = errorMessage(error)
  }
  if (failure) log.setFailed(failure)
  for (const key of [report?.newKey].filter((k): k is IssuedKey => k !== undefined))
    world.idOfValue.set(key.key, key.id)
  return {
    label,
    settings,
    report,
    renewal: renewal?.outcome,
    failure,
    log: lines,
    printedError: failed.message,
    warnings: log.warnings,
    notices: log.notices,
    startedAt,
    finishedAt: new Date(),
    outputs: {},
    summary: '',
  }
}

const outputDir = mkdtempSync(join(tmpdir(), 'capgo-hunt-'))

/**
 * Step 8 of each run, one after the other (they share process.env): the outputs and the job
 * summary as src/main.ts writes them, read back from their files.
 */
export async function writeOutputsAndSummary(_world: World, run: RunRecord): Promise<void> {
  const outputFile = join(outputDir, 'output')
  const summaryFile = join(outputDir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY }
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  // core.summary caches the file's path on first use.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  try {
    if (run.settings && run.report) setOutputs(run.settings, run.report, run.renewal)
    else core.setOutput('rotated', 'false')
    const { settings, report, failure, startedAt, finishedAt, warnings, notices, renewal } = run
    await writeSummary({
      settings,
      report,
      failure,
      startedAt,
      finishedAt,
      warnings,
      notices,
      env: process.env,
      renewal,
    })
  } finally {
    restoreEnv('GITHUB_OUTPUT', saved.output)
    restoreEnv('GITHUB_STEP_SUMMARY', saved.summary)
    ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  }
  run.outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  run.summary = readFileSync(summaryFile, 'utf8')
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

/**
 * Everything written to stdout while `body` runs (what @actions/core prints: Octokit's warnings
 * and debug lines, ::add-mask:: commands), kept out of the test's own output.
 */
export async function captureStdout<T>(body: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  let stdout = ''
  const original = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    return true
  }) as typeof process.stdout.write
  try {
    const value = await body()
    return { value, stdout }
  } finally {
    process.stdout.write = original
  }
}
