import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry.js'
import { parseWholeNumber } from './parse.js'
import { SettingsError } from './settings-error.js'

/**
 * How patient a run is with both services: from the environment rather than inputs (for a slow
 * self-hosted Capgo), and the one way tests and benchmarks change it too (run({ tuning })).
 */
export interface Tuning {
  /** Timeout of each request attempt, to Capgo and to GitHub. */
  readonly timeoutMs: number
  /** Capgo's retry loop; run() adds the onRetry that logs each wait. */
  readonly capgoRetry: RetryPolicy
  /** plugin-retry's retries after the first attempt, for GitHub's 5xx and lost connections. */
  readonly githubRetries: number
  /** plugin-retry waits (retry number)² × this. */
  readonly githubRetryBaseMs: number
}

/** CAPGO_ROTATION_TIMEOUT_MS and CAPGO_ROTATION_RETRY_BASE_MS (the first backoff of both services' retries). */
export function readTuning(env: NodeJS.ProcessEnv = process.env): Tuning {
  const problems: string[] = []
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim() ?? ''
    return parseWholeNumber(name, raw, min, max, problems) ?? fallback
  }
  const timeoutMs = number('CAPGO_ROTATION_TIMEOUT_MS', 20_000, 100, 600_000)
  const retryBaseMs = number('CAPGO_ROTATION_RETRY_BASE_MS', 1000, 1, 60_000)
  if (problems.length > 0) throw new SettingsError(problems)
  return {
    timeoutMs,
    capgoRetry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: retryBaseMs },
    githubRetries: 3,
    githubRetryBaseMs: retryBaseMs,
  }
}
