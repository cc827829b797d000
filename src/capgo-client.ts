import { createHash } from 'node:crypto'
import { HttpClient } from '@actions/http-client'
import { request as undiciRequest, type Dispatcher } from 'undici'
import { safeText, urlForMessage } from './log-text.js'
import { isRedirect, originOf, resolveLocation } from './redirects.js'
import type { KeyMode } from './settings.js'
import { DEFAULT_RETRY_POLICY, parseRetryAfter, withRetry, type RetryDecision, type RetryPolicy } from './retry.js'
import { type BodyStream, readBoundedText, ResponseTooLargeError } from './response-size.js'
import { redact } from './secrets.js'

// Capgo's /apikey API in both generations (see docs/capgo-api.md): the classic one that can
// create keys, and the current one where an API key can only regenerate other keys. Responses are
// parsed tolerantly; key material from list responses is dropped as soon as it is read.

/**
 * Which Capgo answered. 'classic' may create keys; 'current' (api.capgo.app) may only regenerate
 * them. 'unknown' when the list did not tell: the answer to a create decides.
 */
export type CapgoGeneration = 'classic' | 'current' | 'unknown'

export interface CapgoKey {
  readonly id: number
  readonly name: string
  /** Classic rows only: read, upload, write or all. */
  readonly mode: string | undefined
  /** Current rows only: global permissions such as org.create (an org admin key). */
  readonly globalPermissions: readonly string[]
  readonly createdAt: string | undefined
  /** Bumped by every update of the row, a regenerate included (a moddatetime trigger). */
  readonly updatedAt: string | undefined
  readonly expiresAt: string | undefined
  /** Classic rows only: the apps and orgs the key is limited to (absent when the row does not say). */
  readonly limitedToApps?: readonly string[]
  readonly limitedToOrgs?: readonly string[]
  /** True when the row is the capgo-api-key itself: its `key`, or its `key_hash` = sha256 of it (classic). */
  readonly isManagingKey: boolean
}

export interface KeyListing {
  readonly generation: CapgoGeneration
  readonly keys: readonly CapgoKey[]
}

/** A key with its plaintext, as create and regenerate return it. */
export interface IssuedKey {
  readonly id: number
  readonly name: string
  readonly key: string
  readonly mode: string | undefined
  readonly expiresAt: string | undefined
  readonly updatedAt?: string | undefined
}

export interface NewKeyRequest {
  readonly name: string
  readonly mode: KeyMode
  readonly limitedToApps: readonly string[]
  readonly limitedToOrgs: readonly string[]
  readonly expiresAt: string | undefined
}

/** 'not-found': Capgo answers 404 both for a missing key and for another user's key. */
export type DeleteOutcome = 'deleted' | 'not-found'

/** What the rotation needs from Capgo; CapgoClient is the HTTP implementation. */
export interface CapgoApi {
  listKeys(): Promise<KeyListing>
  createKey(request: NewKeyRequest): Promise<IssuedKey>
  regenerateKey(id: number, expiresAt: string | undefined): Promise<IssuedKey>
  deleteKey(id: number): Promise<DeleteOutcome>
  /** Capgo's own clock, from the Date header of its last answer; undefined before any. */
  now?(): Date | undefined
}

type Failure = 'http' | 'network' | 'timeout' | 'malformed'

export class CapgoError extends Error {
  constructor(
    readonly operation: string,
    readonly failure: Failure,
    readonly status: number | undefined,
    /** The server's snake_case code (current generation), when it sent one. */
    readonly code: string | undefined,
    /** The server's human text, or what went wrong on our side. */
    readonly detail: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(
      `Capgo: ${operation} failed: ${describe(failure, status, code, detail)}. ${advice(failure, status, code, retryAfterMs)}`,
    )
    this.name = 'CapgoError'
  }

  /** The request may have been carried out even though no usable answer came back. */
  get outcomeUnknown(): boolean {
    // A policy refusal is final and changed nothing, even when classic Capgo sends it as a 500.
    if (this.code !== undefined && EXPIRY_POLICY_CODES.has(this.code)) return false
    return this.failure !== 'http' || (this.status !== undefined && this.status >= 500)
  }
}

function describe(failure: Failure, status: number | undefined, code: string | undefined, detail: string): string {
  if (failure === 'http') return `HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`
  return detail
}

function advice(
  failure: Failure,
  status: number | undefined,
  code: string | undefined,
  retryAfterMs: number | undefined,
): string {
  if (failure === 'network') return 'Check capgo-api-url and that the runner can reach it.'
  if (failure === 'timeout') return 'Capgo did not answer in time; run again later.'
  if (failure === 'malformed') return 'The answer is not what a Capgo /apikey endpoint returns: check capgo-api-url.'
  switch (code) {
    case 'cannot_create_apikey':
      return 'This Capgo does not let an API key create keys: use `strategy: regenerate`, or `auto` to fall back to it.'
    case 'expiration_required':
    case 'org_requires_expiring_key':
      return 'The Capgo organization requires keys to expire: set expires-in-days (1 to 365).'
    case 'expiration_exceeds_max':
      return 'expires-in-days is longer than the Capgo organization allows: lower it.'
    case 'invalid_expiration_date':
      return 'Capgo refused the expiry date: set expires-in-days to a whole number from 1 to 365.'
    case 'cannot_update_apikey':
    case 'cannot_delete_apikey':
      return (
        'Capgo refuses to let capgo-api-key act on this key: it is the managing key itself, or a key it may not manage ' +
        '(bound in an organization where it is not apikey_manager). Point the rotation at the key the secret holds ' +
        '(key-name, previous-key-id), never at the managing key.'
      )
    case 'failed_to_resolve_apikey_policy_scope':
      return 'limited-to-apps names an app this Capgo account does not have (or cannot see): check the app ids (e.g. com.example.app).'
    case 'apikey_missing_rbac_bindings':
      return 'The key has no role in Capgo, so it cannot be regenerated: give it a role in the Capgo dashboard (API keys page).'
    case 'api_key_not_found_or_access_denied':
    case 'api_key_not_found':
      return 'The key does not exist, or the managing key cannot act on it: check previous-key-id and key-name.'
  }
  if (status === 401 || status === 403) {
    return (
      'capgo-api-key is unknown, expired, or lacks the rights to manage keys: on classic Capgo it needs mode `all`, ' +
      'on current Capgo the role apikey_manager (or org admin). Not retried: repeated failed logins lock the IP for 15 minutes.'
    )
  }
  if (status === 429) {
    const wait = retryAfterMs === undefined ? 'a minute' : `${Math.ceil(retryAfterMs / 1000)} s (Retry-After)`
    return `Capgo's rate limit was hit: wait ${wait} before running again.`
  }
  if (status !== undefined && status >= 500) return 'Capgo had a server error; run again later.'
  return 'Check the inputs named above.'
}

export interface CapgoClientOptions {
  readonly baseUrl: string
  readonly apiKey: string
  /** The transport; proxyAwareFetch(baseUrl) in a workflow run, the bundled undici (no proxy) by default. */
  readonly fetch?: CapgoFetch
  readonly timeoutMs?: number
  readonly retry?: RetryPolicy
  /** Called with every plaintext key the moment it is parsed, before it is returned. */
  readonly onKeyMaterial: (key: string) => void
}

const USER_AGENT = 'capgo-key-rotation-action'

/** What the client needs of a transport: fetch's shape, so that a test can pass any fetch. */
export type CapgoFetch = (url: string, init: CapgoRequestInit) => Promise<CapgoResponse>

export interface CapgoRequestInit {
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
  readonly signal: AbortSignal
  readonly redirect: 'manual'
}

export interface CapgoResponse {
  readonly status: number
  readonly ok: boolean
  readonly headers: { get(name: string): string | null }
  /** Read with a bound when present (src/response-size.ts); text() otherwise. */
  readonly body?: BodyStream | null
  text(): Promise<string>
}

/**
 * The bundled undici, the HTTP stack Octokit already uses (Node's own fetch would load a second
 * copy), through its request() rather than its fetch(): the first fetch() sets up the WHATWG
 * Request, Headers and web streams, a few milliseconds before Capgo's first request could leave.
 * Node's fetch also ignores the runner's https_proxy / no_proxy: behind a proxy, Capgo would be out
 * of reach while GitHub is not. So Capgo goes through the proxy agent @actions/http-client builds
 * for GitHub, when one applies.
 */
export function proxyAwareFetch(baseUrl: string): CapgoFetch {
  return undiciTransport(new HttpClient().getAgentDispatcher(baseUrl))
}

/**
 * A fetch-shaped call over undici's request(). It follows no redirect (undici's dispatchers follow
 * none unless given a redirect interceptor: test/redirects.test.ts holds it to that), and the
 * signal bounds the whole exchange, body included. The dispatcher: the global one by default.
 */
export function undiciTransport(dispatcher?: Dispatcher): CapgoFetch {
  return async (url, init) => {
    const { statusCode, headers, body } = await undiciRequest(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      ...(dispatcher ? { dispatcher } : {}),
    })
    return {
      status: statusCode,
      ok: statusCode >= 200 && statusCode < 300,
      headers: { get: (name) => headerValue(headers[name.toLowerCase()]) },
      // Read through readBoundedText (response-size.ts), chunk by chunk up to the bound.
      body,
      text: () => body.text(),
    }
  }
}

/** As fetch's Headers.get(): a repeated header's values joined by ", ". */
function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null
  return Array.isArray(value) ? value.join(', ') : value
}

const defaultTransport = undiciTransport()

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * `capgkey` works for every key. Capgo reads `authorization` as an API key only when it is a UUID;
 * anything else is taken as a user JWT, wins over capgkey and fails 401 invalid_jwt, and failures
 * count towards a 15-minute IP lock (docs/capgo-api.md).
 */
export function capgoHeaders(apiKey: string, hasBody: boolean): Record<string, string> {
  return {
    capgkey: apiKey,
    ...(UUID.test(apiKey) ? { authorization: apiKey } : {}),
    accept: 'application/json',
    'user-agent': USER_AGENT,
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
  }
}

export class CapgoClient implements CapgoApi {
  private readonly timeoutMs: number
  private readonly retry: RetryPolicy

  constructor(private readonly options: CapgoClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY
  }

  async listKeys(): Promise<KeyListing> {
    // Parsed inside the retried call: a garbled answer is worth another try, like a 5xx.
    return withRetry(this.retry, retryable, async () => {
      const body = await this.request('list keys', 'GET', '/apikey/')
      // Both real backends answer a bare array; only the public docs show {"data": [...]}.
      const rows: unknown = Array.isArray(body) ? body : isObject(body) ? body.data : undefined
      if (!Array.isArray(rows)) throw malformed('list keys', 'the list is neither an array nor {"data": [...]}')
      const managingKeyHash = sha256Hex(this.options.apiKey)
      const keys = rows.map((row: unknown) => {
        const parsed = parseRow('list keys', row)
        // Compare and drop: classic rows carry other keys' plaintext (`key`), or their sha256 (`key_hash`).
        const record = row as Record<string, unknown>
        const isManagingKey =
          (typeof record.key === 'string' && record.key === this.options.apiKey) ||
          (typeof record.key_hash === 'string' && record.key_hash.toLowerCase() === managingKeyHash)
        return { ...parsed, isManagingKey }
      })
      // One row per key: a list that repeats an id could pass one row off as another (the managing key's, say).
      if (new Set(keys.map((k) => k.id)).size !== keys.length)
        throw malformed('list keys', 'the list names the same key id twice')
      return { generation: generationOf(rows), keys }
    })
  }

  // Never retried: a create whose answer was lost may still have made a key, and a second call
  // would make another. The rotation sweeps such a key up by name instead.
  async createKey(request: NewKeyRequest): Promise<IssuedKey> {
    const body = await this.request('create key', 'POST', '/apikey/', {
      name: request.name,
      mode: request.mode,
      ...(request.limitedToApps.length > 0 ? { limited_to_apps: request.limitedToApps } : {}),
      ...(request.limitedToOrgs.length > 0 ? { limited_to_orgs: request.limitedToOrgs } : {}),
      ...(request.expiresAt ? { expires_at: request.expiresAt } : {}),
      hashed: true,
    })
    return this.parseIssued('create key', isObject(body) && isObject(body.apikey) ? body.apikey : body)
  }

  // Retrying is safe, and heals a lost answer: each call replaces the secret again, and the last
  // answer holds the live one. So a garbled answer is retried too.
  async regenerateKey(id: number, expiresAt: string | undefined): Promise<IssuedKey> {
    const operation = `regenerate key ${id}`
    return withRetry(this.retry, retryable, async () => {
      const body = await this.request(operation, 'PUT', `/apikey/${id}`, {
        regenerate: true,
        ...(expiresAt ? { expires_at: expiresAt } : {}),
      })
      return this.parseIssued(operation, isObject(body) && isObject(body.apikey) ? body.apikey : body)
    })
  }

  async deleteKey(id: number): Promise<DeleteOutcome> {
    try {
      // Any 2xx is a success, whatever its body says ({success: true}, {status: "ok"}, or nothing).
      await withRetry(this.retry, retryable, () =>
        this.request(`delete key ${id}`, 'DELETE', `/apikey/${id}`, undefined, { ignoreBody: true }),
      )
      return 'deleted'
    } catch (error) {
      if (error instanceof CapgoError && error.status === 404) return 'not-found'
      throw error
    }
  }

  private parseIssued(operation: string, body: unknown): IssuedKey {
    if (!isObject(body) || typeof body.key !== 'string' || body.key === '') {
      throw malformed(operation, 'the answer holds no key')
    }
    // Masked before anything else, whatever it is; then only a plain token is accepted: a value with
    // spaces or line breaks would be masked as a whole and printed in clear in pieces by later steps.
    this.options.onKeyMaterial(body.key)
    if (!KEY_VALUE.test(body.key))
      throw malformed(
        operation,
        'the key in the answer is not a plain token (it has spaces, line breaks or other characters)',
      )
    const { id, name, mode, expiresAt, updatedAt } = parseRow(operation, body)
    return { id, name, key: body.key, mode, expiresAt, updatedAt }
  }

  /**
   * Capgo's clock minus the runner's: expiry is Capgo's to judge (it refuses an expired key by its
   * own clock), so a runner whose clock is off must not decide with its own. Whole seconds.
   */
  private clockOffsetMs: number | undefined

  now(): Date | undefined {
    return this.clockOffsetMs === undefined ? undefined : new Date(Date.now() + this.clockOffsetMs)
  }

  private observeClock(dateHeader: string | null, sentAt: number): void {
    const date = dateHeader ? Date.parse(dateHeader) : Number.NaN
    if (Number.isNaN(date)) return
    // The header was made between sending and now; its midpoint is the best guess.
    this.clockOffsetMs = date + 500 - (sentAt + Date.now()) / 2
  }

  private async request(
    operation: string,
    method: string,
    path: string,
    json?: unknown,
    options: { ignoreBody?: boolean } = {},
  ): Promise<unknown> {
    const url = `${this.options.baseUrl}${path}`
    const signal = AbortSignal.timeout(this.timeoutMs)
    let response: CapgoResponse
    let text: string
    const sentAt = Date.now()
    try {
      response = await (this.options.fetch ?? defaultTransport)(url, {
        method,
        headers: capgoHeaders(this.options.apiKey, json !== undefined),
        body: json === undefined ? undefined : JSON.stringify(json),
        signal,
        // Never followed: the managing key would go wherever the Location points.
        redirect: 'manual',
      })
      text = await readBoundedText(response)
      this.observeClock(response.headers.get('date'), sentAt)
    } catch (error) {
      // Like a garbled answer: retried where that is safe, and a create's outcome stays unknown.
      if (error instanceof ResponseTooLargeError) throw malformed(operation, error.message)
      throw transportError(operation, error, url, this.timeoutMs, signal.aborted)
    }
    if (isRedirect(response.status)) {
      throw new CapgoError(operation, 'http', response.status, undefined, redirectDetail(response, url), undefined)
    }
    const body = parseJson(text)
    if (!response.ok) {
      const { code, detail } = parseErrorBody(body)
      throw new CapgoError(
        operation,
        'http',
        response.status,
        code,
        detail,
        parseRetryAfter(response.headers.get('retry-after')),
      )
    }
    if (body === undefined && text.trim() !== '' && !options.ignoreBody)
      throw malformed(operation, 'the answer is not JSON')
    return body
  }
}

/** 5xx, 429, timeouts, lost connections and garbled answers are worth another try; other answers are final. */
function retryable(error: unknown): RetryDecision {
  if (!(error instanceof CapgoError)) return { retry: false }
  if (error.failure !== 'http') return { retry: true }
  if (error.status === 429) return { retry: true, retryAfterMs: error.retryAfterMs }
  if (error.code !== undefined && EXPIRY_POLICY_CODES.has(error.code)) return { retry: false }
  return { retry: error.status !== undefined && error.status >= 500 }
}

function transportError(
  operation: string,
  error: unknown,
  url: string,
  timeoutMs: number,
  timedOut: boolean,
): CapgoError {
  const name = error instanceof Error ? error.name : ''
  if (timedOut || name === 'TimeoutError' || name === 'AbortError') {
    return new CapgoError(
      operation,
      'timeout',
      undefined,
      undefined,
      `no answer from ${urlForMessage(url)} within ${timeoutMs / 1000} s`,
      undefined,
    )
  }
  const cause =
    error instanceof Error && error.cause instanceof Error
      ? error.cause.message
      : error instanceof Error
        ? error.message
        : String(error)
  return new CapgoError(
    operation,
    'network',
    undefined,
    undefined,
    `could not reach ${urlForMessage(url)} (${quote(cause)})`,
    undefined,
  )
}

/** Names where a redirect pointed (its origin only), and that it was not followed. */
function redirectDetail(response: CapgoResponse, url: string): string {
  const target = resolveLocation(response.headers.get('location'), url)
  const where = target
    ? `to ${safeText(originOf(target), 120)}${target.origin === new URL(url).origin ? ' (the same origin)' : ''}`
    : 'without a usable Location'
  return `a redirect ${where}, not followed: the managing key is sent to capgo-api-url only. Check capgo-api-url`
}

function malformed(operation: string, what: string): CapgoError {
  return new CapgoError(operation, 'malformed', undefined, undefined, what, undefined)
}

// Long enough for Capgo's messages; a quoted text never floods the log.
const MAX_QUOTED = 200
const CODE = /^[a-z0-9_]{1,64}$/
/** A key value as Capgo makes them: a UUID, or a legacy token of printable non-space ASCII. */
const KEY_VALUE = /^[\x21-\x7e]{1,1024}$/

/**
 * Organization expiry policies. Current Capgo names them in `error`; classic Capgo enforces them in
 * a database trigger (enforce_apikey_expiration_policy), whose exception surfaces as
 * moreInfo.supabaseError.message under a generic failed_to_create_apikey (400) or
 * failed_to_update_apikey (500): that inner code is the one to act on.
 */
const EXPIRY_POLICY_CODES = new Set([
  'expiration_required',
  'expiration_exceeds_max',
  'invalid_expiration_date',
  'org_requires_expiring_key',
])

function policyCode(body: Record<string, unknown>): string | undefined {
  const more = isObject(body.moreInfo) ? body.moreInfo : undefined
  const inner = more && isObject(more.supabaseError) ? more.supabaseError.message : undefined
  return typeof inner === 'string' && EXPIRY_POLICY_CODES.has(inner) ? inner : undefined
}

/** Server text as a message may quote it: redacted first (a later change could hide a secret from the mask), then one safe line. */
function quote(text: string): string {
  return safeText(redact(text), MAX_QUOTED).trim()
}

// Classic errors: {"error": "<human text>", "status": "KO"}.
// Current errors: {"error": "<snake_case code>", "message": "<text>", "moreInfo": {...}}.
// Nothing else of a body is ever quoted: a classic list body holds other keys in plaintext, and
// a proxy's page is no better. Without those fields, the status alone says what happened.
function parseErrorBody(body: unknown): { code: string | undefined; detail: string } {
  if (!isObject(body)) return { code: undefined, detail: '' }
  const error = typeof body.error === 'string' && body.error.trim() !== '' ? body.error : undefined
  const message = typeof body.message === 'string' && body.message.trim() !== '' ? body.message : undefined
  const code = policyCode(body) ?? (error !== undefined && CODE.test(error) ? error : undefined)
  const text = message ?? (code === undefined ? error : undefined)
  return { code, detail: text === undefined ? '' : quote(text) }
}

function parseRow(operation: string, row: unknown): Omit<CapgoKey, 'isManagingKey'> {
  if (!isObject(row)) throw malformed(operation, 'a key is not an object')
  const id =
    typeof row.id === 'number' ? row.id : typeof row.id === 'string' && /^\d+$/.test(row.id) ? Number(row.id) : NaN
  if (!Number.isSafeInteger(id)) throw malformed(operation, 'a key has no numeric id')
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
  return {
    id,
    name: text(row.name) ?? '',
    mode: text(row.mode),
    globalPermissions: Array.isArray(row.global_permissions)
      ? row.global_permissions.filter((p): p is string => typeof p === 'string')
      : [],
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
    expiresAt: text(row.expires_at),
    ...(Array.isArray(row.limited_to_apps)
      ? { limitedToApps: row.limited_to_apps.filter((a): a is string => typeof a === 'string') }
      : {}),
    ...(Array.isArray(row.limited_to_orgs)
      ? { limitedToOrgs: row.limited_to_orgs.filter((o): o is string => typeof o === 'string') }
      : {}),
  }
}

/**
 * The generation from what the rows carry, never from the list's shape (both real backends answer
 * a bare array). Classic selects every column, so its rows have `mode` and `key_hash` (classic
 * get.ts: select('*')); current selects public columns only and adds `is_hashed_key` and
 * `global_permissions` (current get.ts: APIKEY_PUBLIC_COLUMNS). No row that tells: 'unknown'.
 */
export function generationOf(rows: readonly unknown[]): CapgoGeneration {
  let classic = false
  let current = false
  for (const row of rows) {
    if (!isObject(row)) continue
    if ('mode' in row || 'key_hash' in row || 'key' in row) classic = true
    else if ('is_hashed_key' in row || 'global_permissions' in row || 'rbac_id' in row) current = true
  }
  if (classic === current) return 'unknown'
  return classic ? 'classic' : 'current'
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === '' ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
