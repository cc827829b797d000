import fc from 'fast-check'
import nock from 'nock'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { huntProperty } from './support/hunt-property.js'

// The hunt in CI: randomized fault schedules and overlapping runs against the fakes, checked
// against docs/contract.md's invariants (test/support/hunt-*.ts). A fixed seed, so that CI is
// repeatable; `npm run hunt` runs the same property longer with a random seed, and replays one
// with HUNT_SEED (and HUNT_PATH). Sized for about two minutes on a 2-core runner.
const NUM_RUNS = 200
const SEED = 20_261_128

beforeAll(() => {
  // The fakes listen on loopback: hangs and resets need real sockets.
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  nock.disableNetConnect()
})

describe('hunt', () => {
  it(`the invariants hold under ${NUM_RUNS} random fault schedules and overlapping runs (seed ${SEED})`, { timeout: 600_000 }, async () => {
    await fc.assert(huntProperty, { numRuns: NUM_RUNS, seed: SEED })
  })
})
