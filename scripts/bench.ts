// npm run bench: how fast a rotation is, measured on the committed bundle against the loopback
// sandbox with a fixed latency per request (BENCH_LATENCY_MS, 50 by default). For each scenario it
// prints the median wall time of BENCH_RUNS runs (5), the requests by method, the ideal number of
// sequential round trips at the action's concurrency bounds, and the ratio of the median to
// ideal × latency + the start-up cost (the median of a dry run with no latency). Figures only:
// the machine is shared and noisy, so the median and ratios are what to quote, not single runs.
import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { READ_CONCURRENCY, WRITE_CONCURRENCY } from '../src/concurrency.js'
import { FakeGitHub } from '../test/support/fake-github.js'
import { BUNDLE, runBundle, type BundleRun } from '../test/sandbox/run-bundle.js'
import { startSandbox, type Sandbox } from '../test/sandbox/sandbox.js'

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

interface Scenario {
  readonly name: string
  readonly generation: 'classic' | 'current'
  readonly targets: number
  readonly latencyMs: number
  readonly inputs: Record<string, string>
  /** Round trips one after another, at best, with the action's concurrency bounds. */
  readonly idealRoundTrips: number | undefined
}

const rounds = (items: number, bound: number) => Math.ceil(items / bound)
// Preflight reads (all at once, READ_CONCURRENCY targets at a time), create, the writes
// (WRITE_CONCURRENCY at a time), then the variable write and the deletes together.
const createRoundTrips = (targets: number) => rounds(targets, READ_CONCURRENCY) + 1 + rounds(targets, WRITE_CONCURRENCY) + 1

const SCENARIOS: Scenario[] = [
  { name: 'dry-run, no latency (start-up)', generation: 'classic', targets: 1, latencyMs: 0, inputs: { 'dry-run': 'true' }, idealRoundTrips: undefined },
  { name: '1 target, create', generation: 'classic', targets: 1, latencyMs: LATENCY, inputs: { 'key-id-variable': 'CAPGO_KEY_ID' }, idealRoundTrips: createRoundTrips(1) },
  // Preflight, the write check, regenerate (the check's removal alongside), the write.
  { name: '1 target, regenerate', generation: 'current', targets: 1, latencyMs: LATENCY, inputs: { strategy: 'regenerate' }, idealRoundTrips: 4 },
  { name: '10 targets, create', generation: 'classic', targets: 10, latencyMs: LATENCY, inputs: { 'key-id-variable': 'CAPGO_KEY_ID' }, idealRoundTrips: createRoundTrips(10) },
  { name: '50 targets, create', generation: 'classic', targets: 50, latencyMs: LATENCY, inputs: { 'key-id-variable': 'CAPGO_KEY_ID' }, idealRoundTrips: createRoundTrips(50) },
]

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function prepare(scenario: Scenario): Promise<Sandbox> {
  const sandbox = await startSandbox({ generation: scenario.generation, latencyMs: scenario.latencyMs })
  const repos = Array.from({ length: scenario.targets }, (_, i) => (i === 0 ? 'octo/app' : `octo/app-${i}`))
  for (const repo of repos) sandbox.github.addRepo(repo)
  sandbox.capgo.addKey({ name: NAME })
  return sandbox
}

interface Measured {
  readonly scenario: Scenario
  readonly wall: number[]
  readonly firstRequest: number[]
  readonly requests: Record<string, number>
  readonly peakRss: number[]
}

async function measure(scenario: Scenario): Promise<Measured> {
  const sandbox = await prepare(scenario)
  const repos = [...sandbox.github.repoIds.keys()].join(',')
  const measured: Measured = { scenario, wall: [], firstRequest: [], requests: {}, peakRss: [] }
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const before = sandbox.capgo.requests.length + sandbox.github.requests.length
      const run: BundleRun = await runBundle(sandbox.inputs({ repositories: repos, 'key-name': 'github-actions:bench:CAPGO_TOKEN', ...scenario.inputs }), { githubApiUrl: sandbox.github.baseUrl })
      if (run.exitCode !== 0) throw new Error(`${scenario.name}: the action failed: ${run.error}`)
      if (i === 0) continue // a warm-up: the first spawn pays for cold caches
      const requests = [...sandbox.capgo.requests, ...sandbox.github.requests].sort((a, b) => a.seq - b.seq).slice(before)
      measured.wall.push(run.durationMs)
      measured.firstRequest.push(Math.min(...requests.map((r) => r.at)) - run.startedAt)
      if (run.peakRssBytes !== undefined) measured.peakRss.push(run.peakRssBytes)
      if (i === 1) for (const r of requests) measured.requests[r.method] = (measured.requests[r.method] ?? 0) + 1
    }
  } finally {
    await sandbox.close()
  }
  return measured
}

function bareNode(): number[] {
  const times: number[] = []
  for (let i = 0; i < RUNS + 1; i++) {
    const started = performance.now()
    spawnSync(process.execPath, ['-e', '0'])
    if (i > 0) times.push(performance.now() - started)
  }
  return times
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row, r) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ') + (r === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n')
}

async function main(): Promise<void> {
  await FakeGitHub.ready()
  process.stdout.write(
    `Benchmark: ${RUNS} runs per scenario (after one warm-up), ${LATENCY} ms per request, Node ${process.version}, ` +
      `read/write concurrency ${READ_CONCURRENCY}/${WRITE_CONCURRENCY}.\n\n`,
  )
  const node = median(bareNode())
  const results: Measured[] = []
  for (const scenario of SCENARIOS) results.push(await measure(scenario))
  const startup = median(results[0]!.wall)

  const rows = [['scenario', 'median ms', 'min ms', '1st request ms', 'requests', 'ideal RT', 'ideal ms', 'ratio', 'peak RSS MB']]
  for (const { scenario, wall, firstRequest, requests, peakRss } of results) {
    const ideal = scenario.idealRoundTrips === undefined ? undefined : scenario.idealRoundTrips * scenario.latencyMs + startup
    const byMethod = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => requests[m]).map((m) => `${m} ${requests[m]}`).join(', ')
    rows.push([
      scenario.name,
      median(wall).toFixed(0),
      Math.min(...wall).toFixed(0),
      median(firstRequest).toFixed(0),
      byMethod,
      scenario.idealRoundTrips === undefined ? '—' : String(scenario.idealRoundTrips),
      ideal === undefined ? '—' : ideal.toFixed(0),
      ideal === undefined ? '—' : (median(wall) / ideal).toFixed(2),
      peakRss.length > 0 ? (Math.max(...peakRss) / 1024 / 1024).toFixed(0) : '?',
    ])
  }
  rows.push(['node -e 0', node.toFixed(0), '', '', '', '', '', '', ''])
  process.stdout.write(`${table(rows)}\n\n`)
  process.stdout.write(
    `start-up: a dry run with no latency takes ${startup.toFixed(0)} ms, ${(startup / node).toFixed(2)} × node -e 0 (${node.toFixed(0)} ms).\n` +
      `ideal ms = ideal round trips × latency + that start-up; ratio = median / ideal ms.\n` +
      `dist/index.js: ${(statSync(BUNDLE).size / 1024).toFixed(0)} KiB.\n`,
  )
}

await main()
