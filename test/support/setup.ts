import nock from 'nock'
import { afterEach, beforeAll, beforeEach } from 'vitest'

// nock 15 and vitest 5 misbehave below Node 24 (docs/toolchain.md): a green run there can lie.
// (`npm test` checks this earlier, in scripts/check-node.cjs; this catches `npx vitest` too.)
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  throw new Error(
    `Tests need Node 24 or later (the action's runtime); this is Node ${process.version}. Run them through npm, which uses the node devDependency.`,
  )
}

// Code under test talks to the runner through workflow commands on stdout (`::add-mask::…`,
// `::warning::…`). They are noise in a passing run, and evidence in a failing one: hold them back
// per test and print them only when that test fails. Anything else on stdout passes through.
const writeStdout = process.stdout.write.bind(process.stdout) as (
  chunk: string | Uint8Array,
  ...rest: unknown[]
) => boolean
let held: string[] = []
const WORKFLOW_COMMAND = /^::[A-Za-z-]+(?: [^\n]*?)?::/

process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!WORKFLOW_COMMAND.test(text)) return writeStdout(chunk, ...rest)
  held.push(text)
  const callback = rest.find((arg): arg is () => void => typeof arg === 'function')
  callback?.()
  return true
}) as typeof process.stdout.write

beforeAll(() => {
  // No test may reach the network: an unmatched request fails instead of leaving the machine.
  nock.disableNetConnect()
})

beforeEach((context) => {
  held = []
  context.onTestFailed(() => {
    if (held.length > 0)
      writeStdout(`\n--- workflow commands printed by "${context.task.name}" ---\n${held.join('')}--- end ---\n`)
  })
})

afterEach(() => {
  nock.cleanAll()
  // core.setFailed sets process.exitCode, which would otherwise fail the whole test process.
  process.exitCode = undefined
})
