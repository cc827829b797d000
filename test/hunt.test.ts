import fc from 'fast-check'
import nock from 'nock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forgetSecrets } from '../src/secrets.js'
import { checkAfterFaults, checkConverged } from './support/hunt-invariants.js'
import { huntCase, huntProperty } from './support/hunt-property.js'
import { plainScenario } from './support/hunt-scenario.js'
import { buildWorld, captureStdout, runRotation, SECRET, TOKEN, type RunRecord } from './support/hunt-world.js'

// The hunt in CI: randomized fault schedules and overlapping runs against the fakes, checked
// against docs/contract.md's invariants (test/support/hunt-*.ts). A fixed seed, so that CI is
// repeatable; `npm run hunt` runs the same property longer with a random seed, and replays one
// with HUNT_SEED and HUNT_PATH, or a printed scenario with HUNT_SCENARIO. Sized for about two
// minutes on a 2-core runner (some 0.3 s a case, mostly waiting: 400 took 117 s).
const NUM_RUNS = 400
const SEED = 20_261_128

beforeAll(() => {
  // The fakes listen on loopback: hangs and resets need real sockets.
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  nock.disableNetConnect()
})

describe('hunt', () => {
  it(`the invariants hold under ${NUM_RUNS} random fault schedules and overlapping runs (seed ${SEED})`, {
    timeout: 600_000,
  }, async () => {
    // The report names the seed, the path to replay and the shrunk scenario, then the broken invariants.
    await fc.assert(huntProperty, { numRuns: NUM_RUNS, seed: SEED, includeErrorInReport: true })
  })
})

// A hunt whose checks cannot fail finds nothing: each check is shown to catch what it names.
describe('the hunt checks', () => {
  const quiet = async <T>(body: () => Promise<T>) => (await captureStdout(body)).value
  const record = (fields: Partial<RunRecord>): RunRecord => ({
    label: 'run',
    settings: undefined,
    report: undefined,
    renewal: undefined,
    failure: undefined,
    log: [],
    printedError: undefined,
    warnings: [],
    notices: [],
    startedAt: new Date(),
    finishedAt: new Date(),
    outputs: {},
    summary: '',
    ...fields,
  })

  it('a plain case breaks nothing', async () => {
    const result = await huntCase(
      plainScenario({
        keyIdVariable: true,
        targets: { repos: 2, environment: false, types: ['actions'], organization: true, orgVisibility: 'selected' },
      }),
    )
    expect(result.violations).toEqual([])
    expect(result.runs.map((r) => r.failure)).toEqual([undefined])
  })

  it('catch a dead key in a secret, a touched managing key, and every kind of leak', async () => {
    forgetSecrets()
    const world = await quiet(() => buildWorld(plainScenario()))
    try {
      const [target] = world.targets
      world.github.sealAndStore(target!.scope, SECRET, 'a value no key has')
      const held = [...world.capgo.keys.values()].find((k) => k.id !== world.capgo.managingKey.id)!
      const printed = [
        record({ log: [`listed ${held.key}`] }),
        record({ printedError: `failed with ${TOKEN}` }),
        record({ outputs: { 'key-id': world.managingValue, key: held.key } }),
        record({ summary: `| ${held.key} |` }),
      ]
      world.capgo.keys.get(world.capgo.managingKey.id)!.key = 'regenerated'
      const problems = checkAfterFaults(world, printed, `::debug::${held.key}`)
      expect(problems.map((p) => p.split(':')[0])).toEqual(['dead-key', 'managing-key', 'leak', 'leak', 'leak', 'leak'])
      // The log (stdout, Logger lines and ::error:: text together) once per credential, then the others.
      expect(problems.slice(2).map((p) => p.replace(/\(.{4}…\)/, '(…)'))).toEqual([
        'leak: a credential (…) appears in the log',
        'leak: a credential (…) appears in the log',
        'leak: run run: a credential (…) appears in output key-id',
        'leak: run run: a credential (…) appears in the job summary',
      ])
      // The `key` output is where the key belongs: not a leak.
      expect(problems.filter((p) => p.includes('output key '))).toEqual([])
    } finally {
      await world.close()
    }
  })

  it('catch a re-run that fails, splits the targets or leaves extra keys', async () => {
    forgetSecrets()
    const world = await quiet(() =>
      buildWorld(
        plainScenario({
          earlierKeys: 2,
          targets: { repos: 2, environment: false, types: ['actions'], organization: false, orgVisibility: 'private' },
        }),
      ),
    )
    try {
      const [first, second] = world.targets
      const keys = world.capgo.named(world.settings.keyName)
      world.github.sealAndStore(first!.scope, SECRET, keys[0]!.key)
      world.github.sealAndStore(second!.scope, SECRET, keys[1]!.key)
      const problems = checkConverged(world, record({ failure: 'boom', report: undefined }), '')
      expect(problems.map((p) => p.split(':')[0])).toEqual(['rerun-failed', 'rerun-split', 'rerun-extra-keys'])
      // And a real clean run from there converges.
      const rerun = await quiet(() => runRotation(world, 're-run'))
      expect(checkConverged(world, rerun, '')).toEqual([])
    } finally {
      await world.close()
    }
  })
})
