// npm run bench: how fast the committed bundle starts and how close a rotation comes to its
// network floor, against the loopback sandbox with a fixed latency per answer. The cases are
// interleaved (one run of each per round, BENCH_RUNS rounds after a warm-up round) so that a noisy
// neighbour hits them alike; figures are medians. Knobs: BENCH_RUNS (20), BENCH_LATENCY_MS (50),
// BENCH_CREATE_TARGETS (1,10,50), BENCH_REGENERATE_TARGETS (1,10,25: a regenerate makes 3 writes
// per target, and past 26 targets the client's 80 writes a minute make a run wait for the next minute),
// BENCH_BUNDLES (paths of other builds' index.js to compare with, paired run by run).
//
// - start-up: a run that fails on missing inputs, and the time from spawning the bundle to the
//   first request reaching the sandbox, each as a ratio to `node -e 0`;
// - network span: first request's arrival to the last answer, over the ideal schedule (round trips
//   in sequence at the action's concurrency bounds × latency);
// - answer → write: from the last answer the first secret write waited for (Capgo's new key, or
//   the write checks' removal) to that write's arrival, which should hold nothing but sealing;
// - preflight spread: first request to the last one sent before any answer; a first request sent
//   ahead of the others (an earlier start in name only) shows here, and in the span;
// - peak RSS of the largest run.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { READ_CONCURRENCY, WRITE_CONCURRENCY } from '../src/concurrency.js'
import { FakeGitHub } from '../test/support/fake-github.js'
import { BUNDLE, runBundle } from '../test/sandbox/run-bundle.js'
import { startSandbox, type Exchange, type Sandbox } from '../test/sandbox/sandbox.js'

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const targetCounts = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map(Number)
const CREATE_TARGETS = targetCounts(process.env.BENCH_CREATE_TARGETS, '1,10,50')
const REGENERATE_TARGETS = targetCounts(process.env.BENCH_REGENERATE_TARGETS, '1,10,25')
const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

type Strategy = 'create' | 'regenerate'

interface LatencyCase {
  readonly name: string
  readonly bundle: string
  readonly strategy: Strategy
  readonly targets: number
  /** Round trips in sequence, at best, at the action's concurrency bounds. */
  readonly idealRoundTrips: number
  sandbox?: Sandbox
  readonly span: number[]
  readonly firstRequest: number[]
  readonly answerToWrite: number[]
  readonly notNetwork: number[]
  readonly preflightSpread: number[]
  readonly peakRss: number[]
}

const rounds = (items: number, bound: number) => Math.ceil(items / bound)

/**
 * create: the preflight (Capgo list, the lease, the variable and every public key, READ_CONCURRENCY
 * of those at once; the client adds no bound of its own), the create, the writes, then the
 * variable write and the delete together.
 * regenerate: the preflight, the write checks, the regenerate while the checks are removed, the
 * writes, then the check that the key was not regenerated again with the lease's release; every
 * GitHub write shares WRITE_CONCURRENCY.
 */
function idealRoundTrips(strategy: Strategy, targets: number): number {
  if (strategy === 'create') return rounds(targets, READ_CONCURRENCY) + 1 + rounds(targets, WRITE_CONCURRENCY) + 1
  return (
    rounds(targets, READ_CONCURRENCY) +
    rounds(targets, WRITE_CONCURRENCY) +
    Math.max(1, rounds(targets, WRITE_CONCURRENCY)) +
    rounds(targets, WRITE_CONCURRENCY) +
    1
  )
}

function latencyCase(bundle: string, strategy: Strategy, targets: number): LatencyCase {
  return {
    name: `${targets} target${targets === 1 ? '' : 's'}, ${strategy}${label(bundle)}`,
    bundle,
    strategy,
    targets,
    idealRoundTrips: idealRoundTrips(strategy, targets),
    span: [],
    firstRequest: [],
    answerToWrite: [],
    notNetwork: [],
    preflightSpread: [],
    peakRss: [],
  }
}

async function prepare(c: LatencyCase): Promise<Sandbox> {
  const sandbox = await startSandbox({
    generation: c.strategy === 'create' ? 'classic' : 'current',
    latencyMs: LATENCY,
  })
  for (let i = 0; i < c.targets; i++) sandbox.github.addRepo(i === 0 ? 'octo/app' : `octo/app-${i}`)
  sandbox.capgo.addKey({ name: NAME })
  return sandbox
}

async function runLatencyCase(c: LatencyCase, keep: boolean): Promise<void> {
  c.sandbox ??= await prepare(c)
  const sandbox = c.sandbox
  const repos = [...sandbox.github.repoIds.keys()].join(',')
  // key-name: required once a target lies outside the workflow's repository.
  const inputs: Record<string, string> = {
    'key-name': NAME,
    ...(c.strategy === 'create' ? { 'key-id-variable': 'CAPGO_KEY_ID' } : { strategy: 'regenerate' }),
  }
  sandbox.clearTimeline()
  const run = await runBundle(sandbox.inputs({ repositories: repos, ...inputs }), {
    githubApiUrl: sandbox.github.baseUrl,
    bundle: c.bundle,
  })
  if (run.exitCode !== 0) throw new Error(`${c.name}: the action failed: ${run.error}`)
  if (!keep) return
  const exchanges = sandbox.timeline()
  const first = exchanges[0]!.arrivedAt
  const last = Math.max(...exchanges.map((e) => e.answeredAt ?? Number.NaN))
  c.span.push(last - first)
  c.firstRequest.push(first - run.startedAt)
  c.notNetwork.push(last - first - inFlightTime(exchanges))
  const firstAnswer = Math.min(...exchanges.map((e) => e.answeredAt ?? Number.POSITIVE_INFINITY))
  c.preflightSpread.push(
    Math.max(...exchanges.filter((e) => e.arrivedAt < firstAnswer).map((e) => e.arrivedAt)) - first,
  )
  const firstWrite = exchanges.find(
    (e) => e.service === 'github' && e.method === 'PUT' && e.path.endsWith(`/${NAME.split(':').pop()}`),
  )
  if (firstWrite) {
    const waitedFor = Math.max(
      ...exchanges.map((e) =>
        e.answeredAt !== undefined && e.answeredAt < firstWrite.arrivedAt ? e.answeredAt : Number.NEGATIVE_INFINITY,
      ),
    )
    c.answerToWrite.push(firstWrite.arrivedAt - waitedFor)
  }
  if (run.peakRssBytes !== undefined) c.peakRss.push(run.peakRssBytes)
}

/** How long at least one request was in flight: the span less this is time the network did not explain. */
function inFlightTime(exchanges: readonly Exchange[]): number {
  let covered = 0
  let end = Number.NEGATIVE_INFINITY
  for (const { arrivedAt, answeredAt } of exchanges) {
    if (answeredAt === undefined) continue
    if (arrivedAt > end) covered += answeredAt - arrivedAt
    else if (answeredAt > end) covered += answeredAt - end
    end = Math.max(end, answeredAt)
  }
  return covered
}

/** Wall time of a child process, from spawn to exit. */
function timeSpawn(args: string[], env: Record<string, string>): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.resume()
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code) => resolve({ ms: performance.now() - started, code }))
  })
}

const BUNDLES = [BUNDLE, ...(process.env.BENCH_BUNDLES ? process.env.BENCH_BUNDLES.split(',') : [])]
const label = (bundle: string) => (BUNDLES.length === 1 ? '' : ` [${bundle === BUNDLE ? 'dist' : bundle}]`)

const median = (values: readonly number[]) => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows
    .map(
      (row, r) =>
        row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ') +
        (r === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : ''),
    )
    .join('\n')
}

async function main(): Promise<void> {
  await FakeGitHub.ready()
  const cases = [
    ...CREATE_TARGETS.flatMap((n) => BUNDLES.map((b) => latencyCase(b, 'create', n))),
    ...REGENERATE_TARGETS.flatMap((n) => BUNDLES.map((b) => latencyCase(b, 'regenerate', n))),
  ]
  const node: number[] = []
  const failing = BUNDLES.map((): number[] => [])
  const bare = { PATH: process.env.PATH ?? '' }
  process.stderr.write(
    `${RUNS} rounds (after a warm-up) of ${cases.length + 2} cases, ${LATENCY} ms per answer, Node ${process.version}\n`,
  )
  try {
    for (let round = 0; round <= RUNS; round++) {
      const keep = round > 0 // the first round warms the disk cache and the JIT of this process
      const n = await timeSpawn(['-e', '0'], bare)
      if (keep) node.push(n.ms)
      for (const [i, bundle] of BUNDLES.entries()) {
        const f = await runBundle({}, { bundle })
        if (f.exitCode !== 1) throw new Error(`the bundle with no inputs exited ${f.exitCode}, not 1`)
        if (keep) failing[i]!.push(f.durationMs)
      }
      for (const c of cases) await runLatencyCase(c, keep)
      process.stderr.write(round === 0 ? 'warm-up done\n' : `round ${round}/${RUNS}\r`)
    }
  } finally {
    await Promise.all(cases.map((c) => c.sandbox?.close()))
  }

  const nodeMs = median(node)
  const firstRequest = (bundle: string) =>
    median(cases.filter((c) => c.targets === 1 && c.bundle === bundle).flatMap((c) => c.firstRequest))
  process.stdout.write(
    `\nNode ${process.version}, ${RUNS} interleaved runs per case, ${LATENCY} ms per answer, read/write bounds ${READ_CONCURRENCY}/${WRITE_CONCURRENCY}.\n\n` +
      `start-up (medians)\n` +
      table([
        ['', 'ms', '× node -e 0'],
        ['node -e 0', nodeMs.toFixed(0), '1.00'],
        ...BUNDLES.flatMap((bundle, i) => [
          [
            `bundle, failing on missing inputs${label(bundle)}`,
            median(failing[i]!).toFixed(0),
            (median(failing[i]!) / nodeMs).toFixed(2),
          ],
          [
            `process start → first request (1-target runs)${label(bundle)}`,
            firstRequest(bundle).toFixed(0),
            (firstRequest(bundle) / nodeMs).toFixed(2),
          ],
        ]),
      ]) +
      '\n\nnetwork span: first request → last answer (medians)\n',
  )
  const rows = [
    [
      'case',
      'ideal RT',
      'ideal ms',
      'span ms',
      'span / ideal',
      'not network ms',
      'preflight spread ms',
      'answer → write ms',
      'peak RSS MB',
    ],
  ]
  for (const c of cases) {
    const ideal = c.idealRoundTrips * LATENCY
    rows.push([
      c.name,
      String(c.idealRoundTrips),
      ideal.toFixed(0),
      median(c.span).toFixed(0),
      (median(c.span) / ideal).toFixed(2),
      median(c.notNetwork).toFixed(0),
      median(c.preflightSpread).toFixed(1),
      median(c.answerToWrite).toFixed(1),
      (median(c.peakRss) / 1024 / 1024).toFixed(0),
    ])
  }
  const dist = dirname(BUNDLE)
  const sizes = readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${f} ${(statSync(join(dist, f)).size / 1024).toFixed(0)} KiB`)
  process.stdout.write(
    `${table(rows)}\n\n` +
      `ideal ms = round trips in sequence at the concurrency bounds × latency. not network = span less the time some request\n` +
      `was in flight. preflight spread = first request to the last sent before any answer. answer → write = the last answer before the first secret write, to that write. peak RSS: median of the runs' peaks.\n` +
      `dist: ${sizes.join(', ')}.\n`,
  )
}

await main()
