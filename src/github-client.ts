import { HttpClient } from '@actions/http-client'
import { Octokit } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { retry } from '@octokit/plugin-retry'
import { fetch as undiciFetch } from 'undici'
import {
  isWrite,
  limitWait,
  MAX_LIMIT_RETRIES,
  MAX_WAIT_SECONDS,
  WriteWindow,
  type LimitWait,
} from './github-rate-limits.js'
import { statusOf } from './github-errors.js'
import { createLogger, type Logger } from './logger.js'
import { guardRedirects, refuseForeignUrl, refuseRedirect } from './redirects.js'
import { isBounded, limitResponseBodies } from './response-size.js'
import { defaultSleep } from './retry.js'

// Octokit as the action uses it: the runner's proxy (https_proxy / no_proxy, through
// @actions/http-client's agent), retries of 5xx and network faults (plugin-retry), GitHub's rate
// limits (github-rate-limits.ts, in attemptPolicy below), and a timeout on every attempt so that a
// hung connection becomes a retried fault instead of a hung job. plugin-throttling is not used: it
// passed every request through three or four Bottleneck queues, ~20 ms of timer turns per
// request, to enforce limits a run rarely meets. @octokit/core with pagination, not
// @actions/github's getOctokit: the action calls request() and paginate() only, and getOctokit's
// REST method table (plugin-rest-endpoint-methods, 98 KiB) and second copy of
// @actions/http-client were half of the chunk evaluated before the first GitHub request.

export type GitHubClient = Octokit & ReturnType<typeof paginateRest>

export interface GitHubClientOptions {
  readonly token: string
  readonly baseUrl: string
  /** Per attempt; plugin-retry retries a timed-out attempt like a 5xx. */
  readonly timeoutMs?: number
  /** Retries after the first attempt, for 5xx and lost connections. */
  readonly retries?: number
  /** plugin-retry waits (retry number)² × this; 1 s by default. */
  readonly retryBaseMs?: number
  /** Where Octokit's and the plugins' messages go; every one is made safe there. */
  readonly log?: Logger
  /** Rate-limit waits go through this (tests pass their own); plugin-retry's backoff does not. */
  readonly sleep?: (ms: number) => Promise<void>
  /** Milliseconds since the epoch, for x-ratelimit-reset and the write window. */
  readonly now?: () => number
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? createLogger()
  // Octokit and its plugins quote URLs and server text (headers too) in these: through the safe logger.
  const octokitLog = {
    debug: (message: string) => log.debug(message),
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warning(message),
    error: (message: string) => log.error(message),
  }
  const limits: Limits = { sleep: options.sleep ?? defaultSleep, now: options.now ?? Date.now }

  // The bundled undici (Octokit's default would be Node's own fetch, a second HTTP stack), through
  // the runner's proxy when one applies to the API's host.
  const dispatcher = new HttpClient().getAgentDispatcher(options.baseUrl)
  const fetch = dispatcher
    ? (url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher } as never)
    : undiciFetch
  // Registered before retry, so that it wraps each attempt rather than all of them together.
  const Client = Octokit.plugin(
    paginateRest,
    attemptPolicy(options.timeoutMs ?? 20_000, log, octokitLog, limits),
    retry,
  )
  const userAgent = orchestrationUserAgent(process.env.ACTIONS_ORCHESTRATION_ID)
  return new Client({
    auth: `token ${options.token}`,
    baseUrl: options.baseUrl,
    ...(userAgent ? { userAgent } : {}),
    log: octokitLog,
    request: { fetch },
    // 403 and 429 are not retried blindly: attemptPolicy waits where GitHub says how long.
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
  })
}

/** As @actions/github tags its requests on a runner that names the job's orchestration. */
export function orchestrationUserAgent(id: string | undefined): string | undefined {
  const trimmed = id?.trim()
  return trimmed ? `actions_orchestration_id/${trimmed.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined
}

interface Limits {
  readonly sleep: (ms: number) => Promise<void>
  readonly now: () => number
}

interface RequestOptions {
  method: string
  url: string
  headers?: Record<string, unknown>
  request?: Record<string, unknown>
}

const API_VERSION = '2022-11-28'
type RequestHook = (request: (options: RequestOptions) => Promise<unknown>, options: RequestOptions) => Promise<unknown>

/**
 * The innermost layer but the token's, under plugin-retry: a timeout on every attempt, the pinned
 * API version, redirects followed within GitHub's origin only (the token goes nowhere else, and a
 * 3xx is never an answer), GitHub's 80 writes a minute, and the waits GitHub asks for on a rate
 * limit or a 503 (plugin-retry's own backoff ignores them), each told to the log.
 */
function attemptPolicy(
  timeoutMs: number,
  log: Logger,
  octokitLog: Record<'debug' | 'info' | 'warn' | 'error', (message: string) => void>,
  limits: Limits,
) {
  const writes = new WriteWindow(limits.now, limits.sleep)
  return (octokit: { hook: { wrap: (name: 'request', hook: never) => void } }) => {
    const attempt: RequestHook = async (request, options) => {
      const what = `${options.method} ${options.url}`
      refuseForeignUrl(options as RequestOptions & { baseUrl?: unknown })
      for (let waits = 0; ; waits++) {
        if (isWrite(options.method)) {
          await writes.take((ms) =>
            log.warning(
              `GitHub allows ${writes.limit} content-writing requests a minute: waiting ${Math.ceil(ms / 1000)} s before ${what}.`,
            ),
          )
        }
        try {
          // Set on this call's own options object rather than passed as a copy: the hooks inside
          // this one (the token auth) are bound to that object and ignore what is passed to them.
          // The fetch is the proxy-aware one given to the constructor; wrapped, never replaced.
          // Answers are read up to a bound (src/response-size.ts). A retry finds its own fetch here.
          const given = (options.request?.fetch as never) ?? undiciFetch
          const fetch = isBounded(given) ? given : limitResponseBodies(guardRedirects(given))
          // request.log: without it, @octokit/request writes its warnings (which quote response
          // headers) to the console, where the runner reads commands too.
          options.request = {
            ...options.request,
            signal: AbortSignal.timeout(timeoutMs),
            redirect: 'manual',
            fetch,
            log: octokitLog,
          }
          // Octokit's constructor ignores custom default headers, so the API version is pinned here.
          options.headers = { ...options.headers, 'x-github-api-version': API_VERSION }
          return refuseRedirect(
            options,
            (await request(options)) as { status: number; url?: string; headers?: Record<string, unknown> },
          )
        } catch (error) {
          const wait = limitWait(error, limits.now())
          if (wait === undefined) throw error
          const retrying = waits < MAX_LIMIT_RETRIES && wait.seconds <= MAX_WAIT_SECONDS
          log.warning(waitMessage(wait, statusOf(error), what, retrying, waits))
          if (!retrying) throw error
          await limits.sleep(wait.seconds * 1000)
        }
      }
    }
    octokit.hook.wrap('request', attempt as never)
  }
}

function waitMessage(
  wait: LimitWait,
  status: number | undefined,
  what: string,
  retrying: boolean,
  waits: number,
): string {
  const head =
    wait.kind === 'retry-after' ? `GitHub answered ${String(status)} to ${what}` : `GitHub ${wait.kind} hit on ${what}`
  if (!retrying) return `${head}: not retrying (asked to wait ${wait.seconds} s, retry ${waits + 1}).`
  return `${head}: waiting ${wait.seconds} s${wait.kind === 'retry-after' ? ' (Retry-After)' : ''} before retrying.`
}
