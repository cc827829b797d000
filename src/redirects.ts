import { safeText } from './log-text.js'

// Credentials go only to the origin they were given for (docs/contract.md). fetch follows
// redirects by default, and undici drops `authorization` on a cross-origin hop but keeps any other
// header (Capgo's `capgkey`): so no request with a credential lets fetch follow. Capgo never
// follows at all; GitHub answers 301/307 for a renamed repository, on its own origin, and those
// are followed here by hand.

export const MAX_REDIRECTS = 5

/** A 3xx that asks to go elsewhere (304 Not Modified is an answer, and Octokit throws on it). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304
}

/** Scheme and host of a URL, for messages: never userinfo, path, query or fragment. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`
}

/** Where a Location header points, resolved against the request's URL; undefined when unusable. */
export function resolveLocation(location: string | null | undefined, requestUrl: string): URL | undefined {
  if (!location) return undefined
  try {
    return new URL(location, requestUrl)
  } catch {
    return undefined
  }
}

export type RedirectVerdict =
  | { readonly follow: true; readonly url: string }
  | { readonly follow: false; readonly reason: string }

/**
 * Whether a redirect may be followed with the credential: same origin as the first request (so
 * never https to http), a method-preserving status for a write (a 303 would turn it into a read,
 * and its 2xx would pass for a successful write), and a bounded number of hops.
 */
export function judgeRedirect(
  firstUrl: string,
  requestUrl: string,
  status: number,
  method: string,
  location: string | null | undefined,
  hops: number,
): RedirectVerdict {
  const target = resolveLocation(location, requestUrl)
  if (!target) return { follow: false, reason: `a ${status} redirect without a usable Location` }
  const first = new URL(firstUrl)
  const to = safeText(originOf(target), 120)
  if (first.protocol === 'https:' && target.protocol !== 'https:') {
    return {
      follow: false,
      reason: `a ${status} redirect from https to ${to}, which would send the credential in clear`,
    }
  }
  if (target.origin !== first.origin || target.origin === 'null') {
    return { follow: false, reason: `a ${status} redirect to another origin, ${to}` }
  }
  const read = method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD'
  if (![301, 302, 303, 307, 308].includes(status) || (status === 303 && !read)) {
    return { follow: false, reason: `a ${status} answer, which asks to repeat the request as something else` }
  }
  if (hops >= MAX_REDIRECTS) return { follow: false, reason: `more than ${MAX_REDIRECTS} redirects` }
  return { follow: true, url: target.href }
}

interface FetchInit {
  method?: string
  redirect?: string
  [key: string]: unknown
}
interface FetchResponse {
  readonly status: number
  readonly headers: { get(name: string): string | null }
  readonly body?: { cancel(): Promise<void> } | null
}
type Fetch = (url: string, init?: FetchInit) => Promise<FetchResponse>

const guarded = new WeakSet<object>()

/**
 * A fetch that never lets the transport follow a redirect, and follows the ones judgeRedirect
 * allows itself, repeating the request as it was (GitHub: "repeat the request verbatim").
 * A refused redirect is returned as it came: the caller must treat a 3xx as a failure.
 */
export function guardRedirects<F extends Fetch>(inner: F): F {
  if (guarded.has(inner)) return inner
  const wrapped = async (url: string, init: FetchInit = {}): Promise<FetchResponse> => {
    const first = String(url)
    let current = first
    for (let hops = 0; ; hops++) {
      const response = await inner(current, { ...init, redirect: 'manual' })
      if (!isRedirect(response.status)) return response
      const verdict = judgeRedirect(
        first,
        current,
        response.status,
        init.method ?? 'GET',
        response.headers.get('location'),
        hops,
      )
      if (!verdict.follow) return response
      // Free the connection: the redirect's own body is never read.
      await response.body?.cancel().catch(() => undefined)
      current = verdict.url
    }
  }
  guarded.add(wrapped)
  return wrapped as F
}

export class RedirectRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RedirectRefusedError'
  }
}

interface OctokitOptions {
  method: string
  url: string
  baseUrl?: unknown
}
interface OctokitResponse {
  status: number
  url?: string
  headers?: Record<string, unknown>
}

/**
 * Before Octokit's request: an absolute URL (paginate() follows a Link rel="next" as given) must be
 * on github-api-url's origin, or the token would go wherever an answer points. Thrown without a
 * status, so that plugin-retry does not retry it.
 */
export function refuseForeignUrl(options: OctokitOptions): void {
  // As @octokit/endpoint decides: a URL that starts with "http" is used as is, anything else is a path.
  if (!/^http/i.test(options.url) || typeof options.baseUrl !== 'string') return
  const base = new URL(options.baseUrl)
  const target = resolveLocation(options.url, options.baseUrl)
  if (target && target.origin === base.origin && target.origin !== 'null') return
  const to = target ? safeText(originOf(target), 120) : 'an unusable URL'
  throw new RedirectRefusedError(
    `GitHub's answer pointed the next request (${options.method}) to ${to}, another origin than github-api-url's. ` +
      "Not sent (the token goes only to github-api-url's origin): check github-api-url and any proxy in front of it.",
  )
}

/**
 * After Octokit's request: a 3xx that guardRedirects did not follow is an error, never a success
 * (Octokit itself would return it like a 200). Without a status, plugin-retry does not retry it.
 */
export function refuseRedirect<R extends OctokitResponse>(options: OctokitOptions, response: R): R {
  if (!isRedirect(response.status)) return response
  const requestUrl = response.url || String(options.baseUrl ?? '')
  const location = response.headers?.location
  const verdict = requestUrl
    ? judgeRedirect(
        requestUrl,
        requestUrl,
        response.status,
        options.method,
        typeof location === 'string' ? location : undefined,
        MAX_REDIRECTS,
      )
    : { follow: false as const, reason: `a ${response.status} redirect` }
  const reason = verdict.follow ? `more than ${MAX_REDIRECTS} redirects` : verdict.reason
  throw new RedirectRefusedError(
    `GitHub answered ${options.method} ${options.url} with ${reason}. Not followed (the token goes only to github-api-url's ` +
      'origin) and not taken as a success: check github-api-url (on GitHub Enterprise Server: https://HOST/api/v3).',
  )
}
