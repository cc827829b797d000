import nock from 'nock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from './support/fake-github.js'
import { FAULTS, formatTable, runCell, STEPS, type CellResult } from './sandbox/fault-matrix.js'

// Every step crossed with every fault, on the bundle over loopback HTTP (see sandbox/fault-matrix.ts).

const results: CellResult[] = []

beforeAll(async () => {
  await FakeGitHub.ready()
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  const order = (r: CellResult) => STEPS.findIndex((s) => s.name === r.step) * 100 + FAULTS.findIndex(([f]) => f === r.fault)
  process.stdout.write(`\nFault matrix\n${formatTable([...results].sort((a, b) => order(a) - order(b)))}\n`)
})

const cells = STEPS.flatMap((step) => FAULTS.map(([fault, action]) => ({ step, fault, action })))

describe.concurrent('fault matrix', () => {
  it.each(cells)('$step.name × $fault', async ({ step, fault, action }) => {
    const result = await runCell(step, fault, action(step.service))
    results.push(result)
    expect(result.violations).toEqual([])
    expect(result.rerunProblems).toEqual([])
    expect(result.outcome).not.toBe('step not reached')
  })
})
