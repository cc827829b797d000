import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'

// Octokit as the action uses it: the runner's proxy support from @actions/github, retries of 5xx
// and network faults (plugin-retry), rate-limit waits (plugin-throttling), and a timeout on every
// attempt so that a hung connection becomes a retried fault instead of a hung job.

export type GitHubClient = ReturnType<typeof getOctokit>

export interface GitHubClientOptions {
  readonly token: string
  readonly baseUrl: string
  /** Per attempt; plugin-retry retries a timed-out attempt like a 5xx. */
  readonly timeoutMs?: number
  /** Retries after the first attempt, for 5xx and lost connections. */
  readonly retries?: number
  /** A rate-limit wait longer than this fails the run instead of stalling it. */
  readonly maxRateLimitWaitSeconds?: number
  /** How many content-writing requests may be in flight at once. */
  readonly writeConcurrency?: number
}

// GitHub's documented secondary limit for content-writing requests: 80 a minute.
const WRITES_PER_MINUTE = 80

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const maxWait = options.maxRateLimitWaitSeconds ?? 120
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const retrying = retryCount < 2 && retryAfter <= maxWait
      const what = `${request.method} ${request.url}`
      if (retrying) core.warning(`GitHub ${kind} hit on ${what}: waiting ${retryAfter} s before retrying.`)
      else core.warning(`GitHub ${kind} hit on ${what}: not retrying (asked to wait ${retryAfter} s, retry ${retryCount + 1}).`)
      return retrying
    }

  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      headers: { 'x-github-api-version': '2022-11-28' },
      log: {
        debug: (message: string) => core.debug(message),
        info: (message: string) => core.debug(message),
        warn: (message: string) => core.warning(message),
        error: (message: string) => core.error(message),
      },
      retry: { retries: options.retries ?? 3 },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        // The plugin's default spaces every write 1 s apart; GitHub's limit is a count per minute.
        write: new Bottleneck.Group({
          maxConcurrent: options.writeConcurrency ?? 4,
          reservoir: WRITES_PER_MINUTE,
          reservoirRefreshAmount: WRITES_PER_MINUTE,
          reservoirRefreshInterval: 60_000,
        }),
      },
    },
    // Registered before retry, so that it wraps each attempt rather than all of them together.
    attemptTimeout(options.timeoutMs ?? 30_000),
    retry,
    throttling,
  )
}

function attemptTimeout(ms: number) {
  return (octokit: { hook: { wrap: GitHubClient['hook']['wrap'] } }) => {
    octokit.hook.wrap('request', (request, requestOptions) =>
      request({ ...requestOptions, request: { ...requestOptions.request, signal: AbortSignal.timeout(ms) } }),
    )
  }
}
