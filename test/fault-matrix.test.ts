import nock from 'nock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from './support/fake-github.js'
import { FAULTS, formatTable, PERSISTENT_CELLS, runCell, STEPS, type CellResult } from './sandbox/fault-matrix.js'

// Every step crossed with every fault, on the bundle over loopback HTTP (see sandbox/fault-matrix.ts).

const results: CellResult[] = []

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  const order = (r: CellResult) =>
    (r.fault.endsWith('every call') ? 10_000 : 0) +
    STEPS.findIndex((s) => s.name === r.step) * 100 +
    FAULTS.findIndex(([f]) => r.fault.startsWith(f))
  process.stdout.write(`\nFault matrix\n${formatTable([...results].sort((a, b) => order(a) - order(b)))}\n`)
})

// Every step × every fault on its first call; then a few faults that outlast every retry.
const cells = [
  ...STEPS.flatMap((step) => FAULTS.map(([fault, action]) => ({ step, fault, action, every: false }))),
  ...PERSISTENT_CELLS.map(({ step, fault }) => ({
    step: STEPS.find((s) => s.name === step)!,
    fault,
    action: FAULTS.find(([f]) => f === fault)![1],
    every: true,
  })),
]

describe.concurrent('fault matrix', () => {
  it.each(cells)('$step.name × $fault (every call: $every)', async ({ step, fault, action, every }) => {
    const result = await runCell(step, fault, action(step.service), every)
    results.push(result)
    expect(result.violations).toEqual([])
    expect(result.rerunProblems).toEqual([])
    expect(result.outcome).not.toBe('step not reached')
  })
})
