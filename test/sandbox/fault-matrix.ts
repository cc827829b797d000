import { findLeaks } from '../support/outputs.js'
import type { FaultAction } from '../support/fake-http.js'
import type { Scope } from '../support/fake-github.js'
import { runBundle, type BundleRun } from './run-bundle.js'
import { startSandbox, type Sandbox } from './sandbox.js'

// The fault matrix: every step of a rotation (docs/contract.md, "How a rotation runs")
// crossed with every kind of fault, on the real bundle over loopback HTTP. After each faulted
// run every invariant is checked; then the same rotation runs again with no fault and must
// converge. Used by test/fault-matrix.test.ts, which prints the table.

export const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const SECRET = 'CAPGO_TOKEN'
const VARIABLE = 'CAPGO_KEY_ID'

/** Small timeouts and backoffs keep the matrix quick; Retry-After is still honoured as sent. */
export const MATRIX_ENV = { CAPGO_ROTATION_TIMEOUT_MS: '1000', CAPGO_ROTATION_RETRY_BASE_MS: '20' }

/**
 * An upper bound on one run with MATRIX_ENV: at most 10 requests in sequence with up to four
 * targets (preflight 2 deep, the write check's 2, create, regenerate or a sweep's list and delete,
 * one batch of writes, the variable's 2 calls, one batch of deletes), each at most 4 attempts of
 * 1 s, plugin-retry's 1+4+9 × 20 ms, and 2 Retry-After waits of 1 s; plus 3 s to start the bundle.
 * The README states the same bound for the default 20 s timeout.
 */
export const RUN_BOUND_MS = 10 * (4 * 1000 + 14 * 20 + 2 * 1000) + 3000

export interface Step {
  readonly name: string
  readonly service: 'capgo' | 'github'
  readonly method: string
  readonly path: RegExp
  readonly generation: 'classic' | 'current'
}

export const STEPS: readonly Step[] = [
  { name: 'Capgo list', service: 'capgo', method: 'GET', path: /^\/apikey\/$/, generation: 'classic' },
  {
    name: 'public key octo/app',
    service: 'github',
    method: 'GET',
    path: /\/repos\/octo\/app\/actions\/secrets\/public-key$/,
    generation: 'classic',
  },
  {
    name: 'public key org octo',
    service: 'github',
    method: 'GET',
    path: /\/orgs\/octo\/actions\/secrets\/public-key$/,
    generation: 'classic',
  },
  {
    name: 'org visibility read',
    service: 'github',
    method: 'GET',
    path: /\/orgs\/octo\/actions\/secrets\/CAPGO_TOKEN$/,
    generation: 'classic',
  },
  {
    name: 'org selected repos read',
    service: 'github',
    method: 'GET',
    path: /\/orgs\/octo\/actions\/secrets\/CAPGO_TOKEN\/repositories$/,
    generation: 'classic',
  },
  {
    name: 'variable read',
    service: 'github',
    method: 'GET',
    path: /\/actions\/variables\/CAPGO_KEY_ID$/,
    generation: 'classic',
  },
  { name: 'create', service: 'capgo', method: 'POST', path: /^\/apikey\/$/, generation: 'classic' },
  {
    name: 'write octo/app',
    service: 'github',
    method: 'PUT',
    path: /\/repos\/octo\/app\/actions\/secrets\/CAPGO_TOKEN$/,
    generation: 'classic',
  },
  {
    name: 'write org octo',
    service: 'github',
    method: 'PUT',
    path: /\/orgs\/octo\/actions\/secrets\/CAPGO_TOKEN$/,
    generation: 'classic',
  },
  {
    name: 'variable write',
    service: 'github',
    method: 'PATCH',
    path: /\/actions\/variables\/CAPGO_KEY_ID$/,
    generation: 'classic',
  },
  { name: 'delete previous', service: 'capgo', method: 'DELETE', path: /^\/apikey\/\d+$/, generation: 'classic' },
  {
    name: 'write check (regen)',
    service: 'github',
    method: 'PUT',
    path: /\/CAPGO_ROTATION_WRITE_CHECK(?:_[0-9A-F]{32})?$/,
    generation: 'current',
  },
  { name: 'regenerate', service: 'capgo', method: 'PUT', path: /^\/apikey\/\d+$/, generation: 'current' },
  {
    name: 'write octo/app (regen)',
    service: 'github',
    method: 'PUT',
    path: /\/repos\/octo\/app\/actions\/secrets\/CAPGO_TOKEN$/,
    generation: 'current',
  },
]

export const FAULTS: ReadonlyArray<readonly [string, (service: 'capgo' | 'github') => FaultAction]> = [
  [
    '500',
    (s) => [500, s === 'capgo' ? { error: 'internal_error', message: 'Internal error' } : { message: 'Server Error' }],
  ],
  [
    '503',
    (s) => [
      503,
      s === 'capgo' ? { error: 'unavailable', message: 'Unavailable' } : { message: 'Secrets service unavailable' },
    ],
  ],
  [
    '429 Retry-After',
    (s) => [
      429,
      s === 'capgo' ? { error: 'too_many_requests', message: 'Too many requests' } : { message: 'Too many requests' },
      { 'retry-after': '1' },
    ],
  ],
  [
    '401',
    (s) => [
      401,
      s === 'capgo' ? { error: 'invalid_apikey', message: 'Invalid API key' } : { message: 'Bad credentials' },
    ],
  ],
  [
    '403',
    (s) => [
      403,
      s === 'capgo'
        ? { error: 'forbidden', message: 'Forbidden' }
        : { message: 'Resource not accessible by personal access token' },
    ],
  ],
  ['404', (s) => [404, s === 'capgo' ? { error: 'not_found', message: 'Not found' } : { message: 'Not Found' }]],
  ['connection reset', () => 'reset'],
  ['hang past timeout', () => 'hang'],
  ['malformed JSON', () => 'malformed'],
]

export interface CellResult {
  readonly step: string
  readonly fault: string
  readonly outcome: string
  /** Broken invariants of the faulted run; empty when all held. */
  readonly violations: string[]
  /** Why the re-run did not converge; empty when it did. */
  readonly rerunProblems: string[]
  readonly durationMs: number
}

const TARGETS: Record<'classic' | 'current', Scope[]> = {
  classic: [{ repo: 'octo/app' }, { org: 'octo' }],
  current: [{ repo: 'octo/app' }],
}

async function scenario(
  generation: 'classic' | 'current',
): Promise<{ sandbox: Sandbox; inputs: Record<string, string> }> {
  const sandbox = await startSandbox({ generation })
  const { capgo, github } = sandbox
  github.addRepo('octo/app').addRepo('octo/web').addOrg('octo')
  // The state a previous rotation left: every target holds the previous key, the variable its id.
  const previous = capgo.addKey({ name: NAME })
  github.sealAndStore({ repo: 'octo/app' }, SECRET, previous.key)
  github.setVariable('octo/app', VARIABLE, String(previous.id))
  if (generation === 'classic') {
    github.sealAndStore({ org: 'octo' }, SECRET, previous.key, {
      visibility: 'selected',
      selected_repository_ids: [github.repoIds.get('octo/web')!],
    })
    // Written by the rotation a week ago, as a scheduled rotation finds them (src/sweep.ts proves
    // a secret unchanged since the preflight only beyond the clocks' tolerance).
    github.age(7)
    return {
      sandbox,
      inputs: { repositories: 'app', organization: 'octo', 'key-id-variable': VARIABLE, 'key-name': NAME },
    }
  }
  github.age(7)
  return { sandbox, inputs: { 'key-id-variable': VARIABLE } }
}

/** What each target holds: the value, and the live key it belongs to (undefined: a dead value). */
function holdings(sandbox: Sandbox, generation: 'classic' | 'current') {
  return TARGETS[generation].map((scope) => {
    const value = sandbox.github.decrypt(scope, SECRET)
    const key = [...sandbox.capgo.keys.values()].find((k) => k.key === value)
    return { scope: JSON.stringify(scope), value, keyId: key?.id }
  })
}

/**
 * Faults that outlast every retry: each transient kind on every call of the steps where giving
 * up matters most (the create, a write, the variable write, a delete, a regenerate).
 */
export const PERSISTENT_CELLS: ReadonlyArray<{ readonly step: string; readonly fault: string }> = [
  { step: 'create', fault: '503' },
  { step: 'write octo/app', fault: '503' },
  { step: 'write octo/app', fault: 'hang past timeout' },
  { step: 'write org octo', fault: 'connection reset' },
  { step: 'variable write', fault: '503' },
  { step: 'delete previous', fault: '503' },
  { step: 'regenerate', fault: 'hang past timeout' },
  { step: 'write octo/app (regen)', fault: '503' },
]

export async function runCell(step: Step, faultName: string, fault: FaultAction, every = false): Promise<CellResult> {
  const { sandbox, inputs } = await scenario(step.generation)
  try {
    const keysBefore = new Set(sandbox.capgo.keys.keys())
    const service = step.service === 'capgo' ? sandbox.capgo : sandbox.github
    service.fault(step.method, step.path, fault, every ? { every: true } : { nth: 1 })
    const run = await runBundle(sandbox.inputs(inputs), { githubApiUrl: sandbox.github.baseUrl, env: MATRIX_ENV })
    const calls = service.requests.filter((r) => r.method === step.method && step.path.test(r.path)).length
    const violations = checkInvariants(sandbox, step.generation, run, keysBefore)
    // Whether the faulted run left a target on a dead value (only a regenerate can, and says so).
    const deadValueReported =
      step.generation === 'current' &&
      run.exitCode === 1 &&
      holdings(sandbox, step.generation).some((h) => h.keyId === undefined)

    sandbox.capgo.clearFaults()
    sandbox.github.clearFaults()
    const rerun = await runBundle(sandbox.inputs(inputs), { githubApiUrl: sandbox.github.baseUrl, env: MATRIX_ENV })
    const rerunProblems = checkConverged(sandbox, step.generation, rerun)

    const outcome =
      calls === 0
        ? 'step not reached'
        : run.exitCode === 0
          ? calls > 1
            ? 'succeeded after retry'
            : 'succeeded (fault tolerated)'
          : deadValueReported
            ? 'failed cleanly, old value dead (regenerate)'
            : 'failed cleanly'
    return {
      step: step.name,
      fault: every ? `${faultName}, every call` : faultName,
      outcome,
      violations,
      rerunProblems,
      durationMs: run.durationMs,
    }
  } finally {
    await sandbox.close()
  }
}

function checkInvariants(
  sandbox: Sandbox,
  generation: 'classic' | 'current',
  run: BundleRun,
  keysBefore: Set<number>,
): string[] {
  const problems: string[] = []
  const held = holdings(sandbox, generation)
  // No secret is left pointing at a dead key. The one exception is inherent to regenerating (the
  // contract's step 4): once Capgo has replaced the value, a write that then fails for good leaves
  // that target with the old, dead value. The run must fail and say so; the re-run heals it.
  const reportedDeadValue = generation === 'current' && run.exitCode === 1 && /no longer works/.test(run.error ?? '')
  for (const h of held) if (h.keyId === undefined && !reportedDeadValue) problems.push(`${h.scope} holds a dead key`)
  // No orphan key: a key this run created is held by some target.
  for (const key of sandbox.capgo.named(NAME)) {
    if (!keysBefore.has(key.id) && !held.some((h) => h.keyId === key.id)) problems.push(`orphan key ${key.id}`)
  }
  // A partial write is reported, not hidden.
  const distinct = new Set(held.map((h) => h.value))
  if (distinct.size > 1 && (run.exitCode !== 1 || !/its previous value/.test(run.summary)))
    problems.push('a partial write was not reported')
  // A success leaves every target on one live key, and the variable on its id.
  if (run.exitCode === 0) {
    if (distinct.size !== 1) problems.push('success, but targets hold different keys')
    const id = held[0]?.keyId
    if (id !== undefined && sandbox.github.variable('octo/app', VARIABLE) !== String(id))
      problems.push('success, but the variable is stale')
  }
  // A failure is clean: an error annotation, no stack trace, nothing on stderr.
  if (run.exitCode !== 0 && run.exitCode !== 1) problems.push(`exit code ${run.exitCode}`)
  if (run.exitCode === 1 && !run.error) problems.push('failed without an error annotation')
  if (/\n\s+at .+:\d+:\d+/.test(run.stdout) || run.stderr !== '') problems.push('a stack trace or stderr output')
  // Secrets never leak, and the run ends within its bound.
  problems.push(...leaks(sandbox, run))
  if (run.durationMs > RUN_BOUND_MS)
    problems.push(`took ${Math.round(run.durationMs)} ms, over the ${RUN_BOUND_MS} ms bound`)
  return problems
}

function checkConverged(sandbox: Sandbox, generation: 'classic' | 'current', rerun: BundleRun): string[] {
  const problems: string[] = []
  if (rerun.exitCode !== 0) problems.push(`re-run failed: ${rerun.error ?? rerun.stderr}`)
  const held = holdings(sandbox, generation)
  const ids = new Set(held.map((h) => h.keyId))
  if (ids.size !== 1 || ids.has(undefined)) problems.push('targets do not all hold one live key')
  const named = sandbox.capgo.named(NAME)
  if (named.length !== 1) problems.push(`${named.length} keys named ${NAME}, not 1`)
  if (sandbox.github.variable('octo/app', VARIABLE) !== String(named[0]?.id))
    problems.push('the variable does not hold the live id')
  problems.push(...leaks(sandbox, rerun))
  return problems
}

function leaks(sandbox: Sandbox, run: BundleRun): string[] {
  return findLeaks({ log: run.stdout, stderr: run.stderr, summary: run.summary, outputs: run.outputs }, [
    sandbox.token,
    ...sandbox.capgo.allKeyValues(),
  ])
}

export function formatTable(results: readonly CellResult[]): string {
  const rows = results.map((r) => [
    r.step,
    r.fault,
    r.outcome,
    r.violations.length === 0 ? 'yes' : `NO: ${r.violations.join('; ')}`,
    r.rerunProblems.length === 0 ? 'yes' : `NO: ${r.rerunProblems.join('; ')}`,
  ])
  const header = ['step', 'fault', 'outcome', 'invariants held', 're-run converged']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')
  const count = (outcome: string) => results.filter((r) => r.outcome.startsWith(outcome)).length
  const held = results.filter((r) => r.violations.length === 0).length
  const converged = results.filter((r) => r.rerunProblems.length === 0).length
  const slowest = Math.max(...results.map((r) => r.durationMs))
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    `${results.length} cells: ${count('succeeded after retry')} succeeded after retry, ${count('succeeded (fault tolerated)')} tolerated the fault, ` +
      `${count('failed cleanly')} failed cleanly (${count('failed cleanly, old value dead')} of them after a regenerate, where the old value is ` +
      `dead once Capgo answered: reported, healed by the re-run), ${count('step not reached')} not reached; invariants held in ${held}/${results.length}, ` +
      `re-runs converged in ${converged}/${results.length}; slowest faulted run ${Math.round(slowest)} ms (bound ${RUN_BOUND_MS} ms).`,
  ].join('\n')
}
