import { describe, expect, it } from 'vitest'
import { run, sandbox, useLoopback } from './harness.js'

useLoopback()

// The guard itself: a non-loopback capgo-api-url never leaves the machine (it is refused by the
// action's settings, or blocked by the guard, which says so).
describe('loopback guard', () => {
  it('blocks a non-loopback host', async () => {
    const box = await sandbox('classic')
    try {
      const result = await run(box, { 'github-api-url': 'https://192.0.2.1/api/v3' })
      expect(result.exitCode).not.toBe(0)
      expect(result.stderr + result.stdout).toMatch(/REVIEW-GUARD-BLOCKED|github-api-url/)
    } finally {
      await box.close()
    }
  })
})
