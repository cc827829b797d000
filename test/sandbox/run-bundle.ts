import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseOutputFile } from '../support/outputs.js'

// Runs the committed dist/index.js the way the GitHub runner does: a child process on the same
// Node, INPUT_* variables with their hyphens, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the
// runner's GITHUB_* variables. Asynchronous, so that a sandbox in this process keeps answering.

export const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'index.js')

export interface BundleRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  /** The ::error:: message, decoded. */
  readonly error: string | undefined
  readonly durationMs: number
  /** performance.now() when the child was spawned, to compare with the sandbox's request times. */
  readonly startedAt: number
  /** Peak resident set size of the child, in bytes (from /proc; undefined where unavailable). */
  readonly peakRssBytes: number | undefined
}

export interface BundleOptions {
  /** Extra environment: CAPGO_ROTATION_TIMEOUT_MS and the like. */
  readonly env?: Record<string, string>
  readonly repository?: string
  readonly githubApiUrl?: string
  /** Kill the child after this long (a safety net; the action has its own timeouts). */
  readonly killAfterMs?: number
  /** Another build to run instead of the committed dist/index.js (to compare builds). */
  readonly bundle?: string
}

export async function runBundle(inputs: Record<string, string>, options: BundleOptions = {}): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-bundle-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: options.repository ?? 'octo/app',
    ...(options.githubApiUrl ? { GITHUB_API_URL: options.githubApiUrl } : {}),
    RUNNER_TEMP: dir,
    ...options.env,
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

  const started = performance.now()
  const child = spawn(process.execPath, [options.bundle ?? BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let peakRssBytes: number | undefined
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000)
  // VmHWM is the peak RSS so far; sample it until the process is gone.
  const sampler = setInterval(() => {
    const peak = readPeakRss(child.pid)
    if (peak !== undefined) peakRssBytes = Math.max(peakRssBytes ?? 0, peak)
  }, 20)
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  clearTimeout(killer)
  clearInterval(sampler)
  const durationMs = performance.now() - started
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const summary = readFileSync(summaryFile, 'utf8')
  rmSync(dir, { recursive: true, force: true })
  const errorLine = stdout.split('\n').find((line) => line.startsWith('::error::'))
  const error = errorLine ? decodeCommand(errorLine.slice('::error::'.length)) : undefined
  return { exitCode, stdout, stderr, outputs, summary, error, durationMs, startedAt: started, peakRssBytes }
}

function readPeakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

export function decodeCommand(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}
