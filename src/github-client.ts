import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import { WRITE_CONCURRENCY } from './concurrency.js'
import { defaultSleep } from './retry.js'

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
  /** plugin-retry waits (retry number)² × this; 1 s by default. */
  readonly retryBaseMs?: number
  /** Where rate-limit waits are reported (the run's logger, so the job summary repeats them); core.warning by default. */
  readonly warn?: (message: string) => void
}

// GitHub's documented secondary limit for content-writing requests: 80 a minute.
const WRITES_PER_MINUTE = 80
// A rate-limit wait longer than this fails the run instead of stalling it.
const MAX_WAIT_SECONDS = 120

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const warn = options.warn ?? ((message: string) => core.warning(message))
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const retrying = retryCount < 2 && retryAfter <= MAX_WAIT_SECONDS
      const what = `${request.method} ${request.url}`
      if (retrying) warn(`GitHub ${kind} hit on ${what}: waiting ${retryAfter} s before retrying.`)
      else warn(`GitHub ${kind} hit on ${what}: not retrying (asked to wait ${retryAfter} s, retry ${retryCount + 1}).`)
      return retrying
    }

  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      log: {
        debug: (message: string) => core.debug(message),
        info: (message: string) => core.debug(message),
        warn,
        error: (message: string) => core.error(message),
      },
      // 429 is not retried blindly: its Retry-After is honoured by attemptPolicy or plugin-throttling.
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        // The plugin's default spaces every write 1 s apart; GitHub's limit is a count per minute.
        write: new Bottleneck.Group({
          maxConcurrent: WRITE_CONCURRENCY,
          reservoir: WRITES_PER_MINUTE,
          reservoirRefreshAmount: WRITES_PER_MINUTE,
          reservoirRefreshInterval: 60_000,
        }),
      },
    },
    // Registered before retry, so that it wraps each attempt rather than all of them together.
    attemptPolicy(options.timeoutMs ?? 20_000, warn),
    retry,
    throttling,
  )
}

interface RequestOptions {
  method: string
  url: string
  headers?: Record<string, unknown>
  request?: Record<string, unknown>
}

const API_VERSION = '2022-11-28'
type RequestHook = (request: (options: RequestOptions) => Promise<unknown>, options: RequestOptions) => Promise<unknown>
type Failure = { status?: number; message?: string; response?: { headers?: Record<string, string | number | undefined> } }

/**
 * The innermost layer but the token's, under plugin-retry: a timeout on every attempt, the pinned
 * API version, and waits for a plain Retry-After on 429/503 (plugin-throttling handles only
 * GitHub's rate-limit answers, and plugin-retry's own backoff ignores the header).
 */
function attemptPolicy(timeoutMs: number, warn: (message: string) => void) {
  return (octokit: { hook: { wrap: (name: 'request', hook: never) => void } }) => {
    const attempt: RequestHook = async (request, options) => {
      for (let waits = 0; ; waits++) {
        try {
          // Set on this call's own options object rather than passed as a copy: the hooks inside
          // this one (the token auth) are bound to that object and ignore what is passed to them.
          options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) }
          // Octokit's constructor ignores custom default headers, so the API version is pinned here.
          options.headers = { ...options.headers, 'x-github-api-version': API_VERSION }
          return await request(options)
        } catch (error) {
          const wait = plainRetryAfterSeconds(error as Failure)
          if (wait === undefined || waits >= 2 || wait > MAX_WAIT_SECONDS) throw error
          warn(`GitHub answered ${(error as Failure).status} to ${options.method} ${options.url}: waiting ${wait} s (Retry-After) before retrying.`)
          await defaultSleep(wait * 1000)
        }
      }
    }
    octokit.hook.wrap('request', attempt as never)
  }
}

function plainRetryAfterSeconds(error: Failure): number | undefined {
  if (error.status !== 429 && error.status !== 503) return undefined
  const headers = error.response?.headers ?? {}
  // Left to plugin-throttling: the primary limit (remaining 0) and secondary-limit messages.
  if (String(headers['x-ratelimit-remaining']) === '0' || /secondary rate/i.test(error.message ?? '')) return undefined
  const seconds = Number(headers['retry-after'])
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined
}
