import nock from 'nock'
import { afterEach, beforeAll } from 'vitest'

// nock 15 and vitest 5 misbehave below Node 24 (docs/toolchain.md): a green run there can lie.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  throw new Error(`Tests need Node 24 or later (the action's runtime); this is Node ${process.version}. Run them through npm, which uses the node devDependency.`)
}

beforeAll(() => {
  // No test may reach the network: an unmatched request fails instead of leaving the machine.
  nock.disableNetConnect()
})

afterEach(() => {
  nock.cleanAll()
  // core.setFailed sets process.exitCode, which would otherwise fail the whole test process.
  process.exitCode = undefined
})
