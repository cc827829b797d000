import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// `npm test` must stop at once, with a message saying what to do, when npm scripts run on an old
// Node (`npm ci --ignore-scripts` leaves no Node 24 binary): scripts/check-node.cjs runs as pretest.

const CHECK = join(import.meta.dirname, '..', 'scripts', 'check-node.cjs')

/** Every `node` on PATH, as `which -a` lists them, with its major version. */
function nodesOnPath(): Array<{ path: string; major: number }> {
  let paths: string[]
  try {
    paths = execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n').filter(Boolean)
  } catch {
    paths = []
  }
  return [...new Set([...paths, '/usr/bin/node'])].flatMap((path) => {
    const result = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    return result.status === 0 ? [{ path, major: Number(result.stdout.split('.')[0]) }] : []
  })
}

describe('the Node version check before the tests', () => {
  it('is wired as pretest, so it runs before vitest loads', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } })
    expect(pkg.scripts.pretest).toBe('node scripts/check-node.cjs')
  })

  it('passes on the Node the tests run on', () => {
    const result = spawnSync(process.execPath, [CHECK], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    expect(result.stderr).toBe('')
  })

  const old = nodesOnPath().find((node) => node.major < 24)
  it.skipIf(!old)(`stops with a clear message on an older Node (${old?.path ?? 'none on this machine'})`, () => {
    const result = spawnSync(old!.path, [CHECK], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      `the tests need Node 24 or later (the action's runtime); npm scripts run on Node ${old!.major}.`,
    )
    expect(result.stderr).toContain('npm ci            # not --ignore-scripts')
  })
})

describe('test output', () => {
  // Workflow commands printed by the code under test are noise in a passing test and evidence in a
  // failing one: test/support/setup.ts shows them only for failing tests.
  it('hides workflow commands of passing tests and shows those of failing ones', () => {
    const root = join(import.meta.dirname, '..')
    const result = spawnSync(
      join(root, 'node_modules', '.bin', 'vitest'),
      ['run', '--config', 'test/fixtures/noisy.config.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      },
    )
    expect(result.status).toBe(1)
    expect(result.stdout).not.toContain('printed-by-a-passing-test')
    expect(result.stdout).toContain(
      '--- workflow commands printed by "fails, printing workflow commands" ---\n::warning::printed-by-a-failing-test',
    )
    expect(result.stdout).toMatch(/1 failed/)
  })
})
