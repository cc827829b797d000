import { safeText } from './log-text.js'
import { redact } from './secrets.js'
import { errorMessage } from './error-message.js'

// Turns an Octokit failure into a sentence a CI maintainer can act on. Only GitHub's own message
// and permission header are quoted, redacted first (any later change could hide a secret from the
// mask) and made one safe line; request headers (the token) and bodies never are.

/**
 * What Octokit throws for a failed request (its RequestError), the one shape every file reads:
 * the HTTP status (500 without a response when no answer came at all), the answer when one came,
 * and the request, for its URL. Headers and data are the server's text, never trusted.
 */
export interface OctokitFailure extends Error {
  readonly status: number
  readonly response?: { readonly headers?: Readonly<Record<string, unknown>>; readonly data?: unknown }
  readonly request?: { readonly url?: unknown }
}

export function isOctokitFailure(error: unknown): error is OctokitFailure {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number'
}

/** The HTTP status of an Octokit failure; undefined for any other error (ours, a refused redirect). */
export function statusOf(error: unknown): number | undefined {
  return isOctokitFailure(error) ? error.status : undefined
}

/** The Date header of a failure's answer: GitHub's clock comes with its errors too. */
export function dateOf(error: unknown): unknown {
  return isOctokitFailure(error) ? error.response?.headers?.date : undefined
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404
}

export interface GitHubErrorContext {
  /** What was being done, e.g. "writing octo/app (repository actions secret CAPGO_TOKEN)". */
  readonly doing: string
  /** What a 404 means here, e.g. "repository octo/app". */
  readonly subject: string
  /** The permission the token needs, when GitHub does not say. */
  readonly permission: string
}

// Long enough for GitHub's messages, short enough that a proxy's page cannot flood the log.
const MAX_QUOTED = 300

/** Server or library text as a message may quote it. */
function quoted(text: unknown, maxLength = MAX_QUOTED): string {
  return safeText(redact(String(text)), maxLength)
    .replace(/\s+/g, ' ')
    .trim()
}

// GitHub's own `message` only: Octokit's error message is the raw body when it is not JSON (a
// proxy's page, say), and no raw body is ever quoted (docs/contract.md).
function githubMessage(error: OctokitFailure): string {
  // No answer at all (a lost connection, a timeout): the library's own words.
  if (!error.response) return error.message
  const data = error.response.data
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message
  }
  return ''
}

export function explainGitHubError(context: GitHubErrorContext, error: unknown): string {
  if (!isOctokitFailure(error)) {
    // Ours or a library's (a refused redirect, a lost connection): longer, and still made safe.
    return `${context.doing}: ${quoted(errorMessage(error), 1000)}`
  }
  const message = quoted(githubMessage(error))
  const headers = error.response?.headers ?? {}
  const head = `${context.doing}: ${error.status}${message ? ` ${message}` : ''}`

  // Rate limits come as 403 or 429; the throttling plugin already waited as long as allowed.
  if (error.status === 403 || error.status === 429) {
    if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset'])
      const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : ''
      return `${head}. The token's GitHub API rate limit is used up${when}: run again after that.`
    }
    if (/secondary rate limit/i.test(message) || error.status === 429) {
      // retry-after is seconds (GitHub's secondary limits); the time is said when it is a sane one.
      const wait = Number(headers['retry-after'])
      const date = Date.parse(String(dateOf(error)))
      const from = Number.isNaN(date) ? Date.now() : date
      const when =
        Number.isFinite(wait) && wait > 0 && wait <= 86_400
          ? `after ${new Date(from + wait * 1000).toISOString()} (GitHub asked for ${wait} s)`
          : 'in a few minutes'
      return `${head}. GitHub's secondary rate limit stopped the run after the allowed waits: run again ${when}, or write fewer targets per run.`
    }
  }
  switch (error.status) {
    // No answer at all (refused, unknown host, TLS, timeout): Octokit reports it as a 500 without a response.
    case 500:
      if (!error.response) return unreachable(context, error)
      break
  }
  // An answer that is not GitHub's JSON: the URL points somewhere else (a web page, a proxy, another API).
  if (!isGitHubAnswer(error)) return notGitHub(context, error)
  switch (error.status) {
    case 401:
      return `${head}. github-token is invalid, expired or revoked: create a new token and update the secret that holds it.`
    case 403: {
      if (/Resource not accessible by integration/i.test(message)) {
        return (
          `${head}. The token is an installation token without the right permission. The workflow's own GITHUB_TOKEN ` +
          `cannot write secrets at all: pass a fine-grained personal access token, or a GitHub App token whose app has ${context.permission}.`
        )
      }
      const accepted = headers['x-accepted-github-permissions']
      const needs = accepted
        ? `GitHub accepts these permissions: ${quoted(accepted, 200)}`
        : `it needs ${context.permission}`
      return `${head}. The token lacks a permission: ${needs}.`
    }
    case 404:
      return (
        `${head}. The ${context.subject} does not exist, or the token cannot see it: a fine-grained token must include ` +
        `it under "Repository access" (or be owned by the organization), and a GitHub App must be installed there.`
      )
    case 422:
      return `${head}. GitHub rejected the request as invalid (the reason is quoted above).`
    default:
      return error.status >= 500 ? `${head}. GitHub kept failing after retries; run again later.` : head
  }
}

/** GitHub's REST API answers every error with a JSON object holding a `message`. */
function isGitHubAnswer(error: OctokitFailure): boolean {
  const data = error.response?.data
  return typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
}

/** Where the request went: the scheme, host and port only (never a query or a credential). */
function originOf(error: OctokitFailure): string {
  const url = error.request?.url
  try {
    return typeof url === 'string' ? new URL(url).origin : 'the GitHub API'
  } catch {
    return 'the GitHub API'
  }
}

const API_URL_HINT =
  'github-api-url must be https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server (on a GHES runner, leave it empty: it defaults to GITHUB_API_URL)'

function unreachable(context: GitHubErrorContext, error: OctokitFailure): string {
  const cause = error.message.replace(/\s+/g, ' ').trim().slice(0, 200)
  return (
    `${context.doing}: no answer from ${originOf(error)} (${cause}), even after retries. ` +
    `Check github-api-url (${API_URL_HINT}) and that the runner can reach that host (network, proxy settings); ` +
    'if both are right, GitHub may be unavailable: run again later.'
  )
}

function notGitHub(context: GitHubErrorContext, error: OctokitFailure): string {
  const headers = error.response?.headers ?? {}
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
  // The body is not quoted: it is a page or an error of something else, possibly long.
  const what = type === '' ? 'an answer without a content type' : `a ${type.slice(0, 60)} answer`
  const head = `${context.doing}: ${originOf(error)} answered ${error.status} with ${what}, not GitHub's API JSON.`
  // GitHub itself sometimes fails with an HTML page; a wrong URL answers that way every time.
  if (error.status >= 500)
    return `${head} GitHub kept failing after retries; run again later. If it keeps happening, check github-api-url: ${API_URL_HINT}.`
  return `${head} Check github-api-url: ${API_URL_HINT}.`
}
