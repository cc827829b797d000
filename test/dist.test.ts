import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLE as bundle, runBundle } from './sandbox/run-bundle.js'

// The runner executes the committed bundle, not src/: start it the same way, in a child process
// with a clean environment, INPUT_* variables (hyphens kept) and the runner's files.

describe('dist/index.js', () => {
  it('starts and fails cleanly with no inputs', async () => {
    const result = await runBundle({})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^::error::Invalid inputs:%0A {2}- capgo-api-key is empty/m)
    expect(result.stdout).toContain('github-token is empty')
    // A clean failure: no stack trace, no module-loading error from a broken bundle.
    expect(result.stdout).not.toMatch(/\n\s+at |Cannot find module|ERR_/)
  })

  it('rejects a bad input before sending any request, without printing the credentials', async () => {
    const result = await runBundle({
      'capgo-api-key': 'capgo-managing-key-value',
      'github-token': 'github-token-value',
      'capgo-api-url': 'http://127.0.0.1:9',
      'key-mode': 'admin',
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("::error::Invalid input: key-mode: 'admin' is not one of read, upload, write, all")
    const printed = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(printed).not.toContain('capgo-managing-key-value')
    expect(printed).not.toContain('github-token-value')
    expect(result.stdout).toContain('::add-mask::capgo-managing-key-value')
    expect(result.stdout).toContain('::add-mask::github-token-value')
    expect(result.summary).toContain('Capgo key rotation: failed')
    expect(result.summary).toContain('key-mode')
  })
})

describe('bundle size', () => {
  // A budget, so that the bundle does not grow without a reason: raise it in the same commit as
  // the dependency that needs it. libsodium lives in its own chunk, loaded only to seal.
  it('keeps dist/index.js under 1.5 MiB and the libsodium chunk under 0.5 MiB', () => {
    const files = readdirSync(join(import.meta.dirname, '..', 'dist')).filter((f) => f.endsWith('.js'))
    const main = statSync(bundle).size
    const chunks = files.filter((f) => f !== 'index.js').map((f) => statSync(join(import.meta.dirname, '..', 'dist', f)).size)
    expect(main).toBeLessThan(1.5 * 1024 * 1024)
    expect(chunks).toHaveLength(1)
    expect(chunks[0]).toBeLessThan(0.5 * 1024 * 1024)
  })
})
