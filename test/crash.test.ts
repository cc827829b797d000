import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// An error nothing caught (a bug) must end the step like any failure: through the one safe path to
// the log (redacted, no forged workflow command, no stack trace whose text nothing redacted), after
// giving back what the run holds (the lease), with exit code 1. src/cancellation.ts; the signal
// half runs on the bundle in test/review2/cancel.test.ts.

const ENTRY = fileURLToPath(new URL('./fixtures/crash-entry.ts', import.meta.url))
const SECRET = 'capgo-secret-value-4f9a2c'

describe('an error nothing caught', () => {
  it.each(['rejection', 'exception'])(
    'an unhandled %s: redacted, one safe error line, lease given back, exit 1',
    (kind) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', ENTRY], {
        env: { ...process.env, CRASH_SECRET: SECRET, CRASH_KIND: kind },
        encoding: 'utf8',
        timeout: 30_000,
      })
      // The mask itself is the one line that holds the value: the runner reads it and shows none.
      const output = `${child.stdout}${child.stderr}`
        .split('\n')
        .filter((line) => line !== `::add-mask::${SECRET}`)
        .join('\n')
      expect(child.status).toBe(1)
      expect(output).not.toContain(SECRET)
      // No stack trace: its lines quote source and values that no redaction saw.
      expect(output).not.toMatch(/^\s+at /m)
      const errors = child.stdout.split('\n').filter((line) => line.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain('The action stopped on an unexpected error (please report it): boom with ***')
      // The forged command stays inside the error's text.
      expect(child.stdout.split('\n').some((line) => line.startsWith('::warning::'))).toBe(false)
      expect(child.stdout).toContain('lease given back')
    },
  )
})
