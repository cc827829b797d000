import fc from 'fast-check'
import { forgetSecrets } from '../../src/secrets.js'
import { LEASE_TTL_SECONDS } from '../../src/lease.js'
import { checkAfterFaults, checkConverged, leftLeases, overlappedUnguarded } from './hunt-invariants.js'
import { scenario, type Scenario } from './hunt-scenario.js'
import {
  buildWorld,
  CLEAN_TIMEOUT_MS,
  captureStdout,
  runRotation,
  stopLatency,
  writeOutputsAndSummary,
  type RunRecord,
} from './hunt-world.js'

// The hunt's property, shared by test/hunt.test.ts (fixed seed) and scripts/hunt.ts (random
// seed, longer): whatever the faults and however two runs interleave, the invariants hold after
// the faulted runs, and a clean re-run succeeds and converges. Failing runs are allowed.

export interface CaseResult {
  readonly violations: string[]
  readonly runs: readonly RunRecord[]
  readonly rerun: RunRecord | undefined
}

export async function huntCase(s: Scenario): Promise<CaseResult> {
  forgetSecrets()
  // Registering the credentials prints ::add-mask:: commands; nothing else is printed here.
  const world = (await captureStdout(() => buildWorld(s))).value
  try {
    const faulted = await captureStdout(async () => {
      const first = runRotation(world, 'run A')
      const second =
        s.overlapAfterMs === null
          ? undefined
          : new Promise((resolve) => setTimeout(resolve, s.overlapAfterMs!)).then(() => runRotation(world, 'run B'))
      const runs = await Promise.all([first, ...(second ? [second] : [])])
      for (const run of runs) await writeOutputsAndSummary(world, run)
      return runs
    })
    const runs = faulted.value
    const violations = checkAfterFaults(world, runs, faulted.stdout)

    world.capgo.clearFaults()
    world.github.clearFaults()
    stopLatency(world.capgo)
    stopLatency(world.github)
    // A lease a run could not give back (it warned so) holds off re-runs until it expires: the
    // re-run comes after that, by GitHub's clock, and takes it over.
    if (leftLeases(world).length > 0) world.github.clockSkewMs += (LEASE_TTL_SECONDS + 60) * 1000
    const clean = await captureStdout(async () => {
      const run = await runRotation(world, 're-run', { timeoutMs: CLEAN_TIMEOUT_MS })
      await writeOutputsAndSummary(world, run)
      return run
    })
    violations.push(...checkConverged(world, clean.value, clean.stdout, overlappedUnguarded(runs)))
    return { violations, runs, rerun: clean.value }
  } finally {
    await world.close()
  }
}

/** What a failing case shows: the broken invariants, then how each run ended. */
export function describeCase(result: CaseResult): string {
  const ends = [...result.runs, ...(result.rerun ? [result.rerun] : [])].map(
    (run) =>
      `  ${run.label}: ${run.failure === undefined ? 'succeeded' : `failed: ${oneLine(run.printedError ?? run.failure)}`}`,
  )
  return ['Broken invariants:', ...result.violations.map((v) => `  - ${v}`), 'Runs:', ...ends].join('\n')
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat
}

export class InvariantBroken extends Error {
  constructor(readonly result: CaseResult) {
    super(describeCase(result))
    this.name = 'InvariantBroken'
  }
}

export const huntProperty = fc.asyncProperty(scenario, async (s) => {
  const result = await huntCase(s)
  if (result.violations.length > 0) throw new InvariantBroken(result)
})

/**
 * What makes two findings distinct: the tags of the broken invariants ('dead-key', 'leak', ...),
 * one run or two, the Capgo generation, and whether the faulted runs all claimed success.
 */
export function signature(s: Scenario, result: CaseResult): string {
  const tags = [...new Set(result.violations.map((v) => v.split(':')[0]!))].sort().join('+')
  const runs = result.runs.length > 1 ? 'overlap' : 'single'
  const claimed = result.runs.every((run) => run.failure === undefined) ? 'all succeeded' : 'a run failed'
  return `${tags} (${runs}, ${s.generation}, ${claimed})`
}
