// npm run hunt: the property of test/hunt.test.ts, run longer and with a random seed.
//   HUNT_RUNS=2000        cases to try (default 500)
//   HUNT_SEED=123         replay a seed (HUNT_PATH too, to go straight to a shrunk counterexample)
//   HUNT_CATALOGUE=1      do not stop at the first finding: shrink one counterexample per distinct
//                         kind of broken invariant, then go on hunting with the next seed
//   HUNT_SCENARIO='{...}' run one printed counterexample as is (seeds and paths stop replaying
//                         once the arbitraries change; a scenario does not, timing aside)
// Prints the seed, and each shrunk counterexample with the invariants it breaks.
import fc from 'fast-check'
import { FakeGitHub } from '../test/support/fake-github.js'
import { describeCase, huntCase, InvariantBroken, signature } from '../test/support/hunt-property.js'
import { scenario, type Scenario } from '../test/support/hunt-scenario.js'

const runs = Number(process.env.HUNT_RUNS ?? 500)
const catalogue = process.env.HUNT_CATALOGUE === '1'
const fixedSeed = process.env.HUNT_SEED ? Number(process.env.HUNT_SEED) : undefined
const path = process.env.HUNT_PATH || undefined

function write(text: string): void {
  process.stdout.write(`${text}\n`)
}

/** The property, failing only on kinds of finding not seen yet (see signature). */
function property(seen: ReadonlySet<string>) {
  return fc.asyncProperty(scenario, async (s) => {
    const result = await huntCase(s)
    if (result.violations.length === 0) return
    if (!seen.has(signature(s, result))) throw new InvariantBroken(result)
  })
}

async function main(): Promise<number> {
  await FakeGitHub.ready()
  if (process.env.HUNT_SCENARIO) {
    const result = await huntCase(JSON.parse(process.env.HUNT_SCENARIO) as Scenario)
    write(result.violations.length === 0 ? 'every invariant held' : describeCase(result))
    return result.violations.length === 0 ? 0 : 1
  }
  const seen = new Set<string>()
  let left = runs
  let seed = fixedSeed ?? Math.floor(Math.random() * 0x7fffffff)
  let findings = 0
  const started = Date.now()
  while (left > 0) {
    write(`hunt: seed ${seed}, up to ${left} cases${path ? `, path ${path}` : ''}`)
    const details = await fc.check(property(seen), { numRuns: left, seed, ...(path ? { path } : {}) })
    left -= details.numRuns
    if (!details.failed) break
    findings++
    const error = details.errorInstance
    const result = error instanceof InvariantBroken ? error.result : undefined
    const shrunk = details.counterexample?.[0]
    const kind = result && shrunk ? signature(shrunk, result) : 'error'
    seen.add(kind)
    write(
      `\nFINDING ${findings} (${kind}): seed ${details.seed}, path ${details.counterexamplePath}, after ${details.numRuns} case(s), ${details.numShrinks} shrink(s)`,
    )
    write(`replay: HUNT_SEED=${details.seed} HUNT_PATH=${details.counterexamplePath} npm run hunt`)
    write(`counterexample: ${fc.stringify(shrunk)}`)
    write(result ? describeCase(result) : String(error))
    if (!catalogue || fixedSeed !== undefined) break
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff
  }
  write(
    `\nhunt: ${runs - left} case(s) in ${Math.round((Date.now() - started) / 1000)} s, ${findings} finding(s)${catalogue ? ` of ${seen.size} kind(s)` : ''}`,
  )
  return findings > 0 ? 1 : 0
}

// Octokit's rate-limit timers would keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(2)
  },
)
