import { createHash, randomUUID } from 'node:crypto'
import { FakeService, header, type RecordedRequest, type Reply } from './fake-http.js'

// Capgo's /apikey API, modelled on the backend's source (Cap-go/capgo; see docs/capgo-api.md):
// - 'classic'    = commit 329f5d00 ("C"): an `all` key may create, regenerate and delete keys.
// - 'current'    = commit 4bc7d83f ("H", api.capgo.app): API keys may only regenerate (and rename,
//                  set expires_at) keys of orgs they manage, never themselves.
// - 'documented' = the shapes of Capgo's public docs, which no real server sends ({"data":[...]},
//                  {"apikey":{...}}, {"success":true}, {"error":"text","status":"KO"}); the
//                  semantics of classic.
// Citations: handler files (get.ts, post.ts, put.ts, delete.ts, scope.ts, global_permissions.ts)
// are in supabase/functions/_backend/public/apikey/, utils/ is supabase/functions/_backend/utils/,
// *.sql are in supabase/migrations/ (H's schema is 20260708000000_prod_baseline.sql, "baseline").
// Keys live in memory with their plaintext, so a test can check which keys are alive after a run.

export type Generation = 'classic' | 'current' | 'documented'

export interface FakeKey {
  id: number
  name: string
  /** The plaintext. Always kept here, even when the server stores only its hash. */
  key: string
  /** classic: read | upload | write | all, or null (RBAC-managed). H has no mode column. */
  mode: string | null
  limited_to_apps: string[]
  limited_to_orgs: string[]
  expires_at: string | null
  created_at: string
  updated_at: string
  /** Stored as key_hash = hex(sha256(plaintext)) with key null. */
  hashed: boolean
  user_id: string
  /** The key's RBAC principal id. NOT NULL in both schemas; null only to force H's 409. */
  rbac_id: string | null
  /** current: the role the key is bound to (apikey_manager, org_admin, app_uploader, ...). */
  role?: string
  /** current: the orgs its role bindings are in. */
  org_ids: string[]
  /** current: global permissions (global_permissions.ts:5-9: only org.create exists). */
  global_permissions: string[]
}

/** The fake org's API-key policy (orgs.require_apikey_expiration, max_apikey_expiration_days). */
export interface OrgPolicy {
  requireExpiry?: boolean
  maxDays?: number
}

export interface FakeCapgoOptions {
  /** Overrides for the managing key, e.g. a legacy non-UUID `key`, `hashed: true`, a `role`. */
  readonly managingKey?: Partial<FakeKey>
}

/** The user who owns the managing key. */
export const FAKE_USER_ID = '0b8a9c9e-3f5d-4c1e-9a51-7d0c2e4f6a10'
/** Another user: their keys are never listed, and answer 404 like missing ones. */
export const FOREIGN_USER_ID = 'c4d3e2f1-0a9b-4c8d-8e7f-6a5b4c3d2e1f'
/** The org the user belongs to; `orgPolicy` is its policy. */
export const FAKE_ORG_ID = '5e1f0c4a-8b2d-4e6f-9a3c-1d7b5e9f2a40'
/** An app owned by FAKE_ORG_ID. */
export const FAKE_APP_ID = 'com.example.app'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NUMERIC = /^\d+$/
// H scope.ts:27-32: ids may also be legacy plain-key tokens.
const LEGACY_KEY = /^[A-Za-z0-9._:-]{8,256}$/
// C utils/supabase.types.ts key_mode enum.
const KEY_MODES = ['read', 'write', 'all', 'upload']
// H baseline.sql:27462-27481: the roles granted org.manage_apikeys.
const MANAGER_ROLES = new Set(['apikey_manager', 'org_admin', 'org_super_admin'])
// supabase/config.toml:18 (max_rows) on both commits.
const MAX_ROWS = 1000
const NOT_FOUND_ROW = { code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object' }

export function sha256Hex(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex')
}

/** timestamptz as PostgREST writes it: ISO 8601, trailing zeros of the fraction dropped, +00:00. */
export function pgTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/Z$/, '+00:00')
}

/** utils/hono.ts quickError: thrown by a handler, answered by utils/on_error.ts. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly moreInfo: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** utils/hono.ts simpleError: 400, except invalid_jwt (C hono.ts:336-341, H hono.ts:398-403). */
const simple = (code: string, message: string, moreInfo: Record<string, unknown> = {}) =>
  new Refusal(code === 'invalid_jwt' ? 401 : 400, code, message, moreInfo)

type Route = { kind: 'list' | 'create' } | { kind: 'get' | 'update' | 'delete'; id: string | undefined }
type Body = Record<string, unknown>

export class FakeCapgo extends FakeService {
  readonly keys = new Map<number, FakeKey>()
  /** Every key value this fake ever held, deleted and regenerated ones included. */
  private readonly everIssued: string[] = []
  private nextId = 100
  /** The server's clock: expiry, created_at and updated_at follow it. */
  now: () => Date = () => new Date()
  orgPolicy: OrgPolicy = {}
  /** app_id -> owner org, for classic's limited_to_apps. */
  readonly apps = new Map<string, string>([[FAKE_APP_ID, FAKE_ORG_ID]])
  readonly managingKey: FakeKey

  constructor(
    readonly generation: Generation,
    baseUrl = 'https://capgo.test',
    options: FakeCapgoOptions = {},
  ) {
    super(baseUrl)
    const defaults = generation === 'current' ? { mode: null, role: 'apikey_manager' } : { mode: 'all' }
    this.managingKey = this.addKey({ name: 'ci key manager', ...defaults, ...options.managingKey })
  }

  /** A key of the managing key's user. On current it is bound (role app_uploader) in FAKE_ORG_ID. */
  addKey(partial: Partial<FakeKey> & { name: string }): FakeKey {
    const now = pgTimestamp(this.now())
    const current = this.generation === 'current'
    const key: FakeKey = {
      id: this.nextId++,
      key: randomUUID(),
      mode: current ? null : 'upload',
      limited_to_apps: [],
      limited_to_orgs: [],
      expires_at: null,
      created_at: partial.created_at ?? now,
      updated_at: partial.updated_at ?? partial.created_at ?? now,
      hashed: false,
      user_id: FAKE_USER_ID,
      rbac_id: randomUUID(),
      ...(current ? { role: 'app_uploader' } : {}),
      org_ids: current ? [FAKE_ORG_ID] : [],
      global_permissions: [],
      ...partial,
    }
    this.keys.set(key.id, key)
    this.everIssued.push(key.key)
    return key
  }

  /** Another key that manages keys: mode all on classic; on current, role apikey_manager (H baseline.sql:27462-27481). */
  addManagingKey(name: string): FakeKey {
    return this.addKey(
      this.generation === 'current' ? { name, mode: null, role: 'apikey_manager' } : { name, mode: 'all' },
    )
  }

  /** A key of another user of the same Capgo. */
  addForeignKey(partial: Partial<FakeKey> = {}): FakeKey {
    return this.addKey({ name: 'someone else', ...partial, user_id: partial.user_id ?? FOREIGN_USER_ID })
  }

  /** Gives a key a chosen value (the sandbox's fixed managing key), remembered for leak checks. */
  setValue(key: FakeKey, value: string): void {
    key.key = value
    this.everIssued.push(value)
  }

  /** Every key of that name, whoever owns it. */
  named(name: string): FakeKey[] {
    return [...this.keys.values()].filter((k) => k.name === name)
  }

  /** Every key value a response could have shown, for leak checks. */
  allKeyValues(): string[] {
    return [...this.everIssued]
  }

  /** Whether the value authenticates now: a key holds it and has not expired. */
  isAlive(plaintext: string): boolean {
    const key = this.byValue(plaintext)
    return key !== undefined && !this.expired(key)
  }

  /**
   * What the org-scoped endpoints (/organization, /webhooks; not /apikey) answer for this key when
   * the org requires expiring keys: C utils/supabase.ts:1683-1710, H utils/supabase.ts:1914-1940.
   */
  orgEndpointRefusal(plaintext: string): 'org_requires_expiring_key' | null {
    const key = this.byValue(plaintext)
    return key && this.orgPolicy.requireExpiry && !key.expires_at ? 'org_requires_expiring_key' : null
  }

  protected handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply {
    const route = this.route(method, path)
    // No custom notFound in cloudflare_workers/api/index.ts: Hono's default text answer.
    if (!route) return [404, '404 Not Found']
    try {
      const caller = this.authenticate(headers)
      return this.generation === 'current' ? this.current(route, caller, body) : this.classic(route, caller, body)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      // utils/on_error.ts (C :79-153, H :127-202): {error, message, moreInfo} with the thrown status.
      if (this.generation === 'documented') return [error.status, { error: error.message, status: 'KO' }]
      return [error.status, { error: error.code, message: error.message, moreInfo: error.moreInfo }]
    }
  }

  // C index.ts:11-14 / H index.ts:11-14 mount get/post/delete/put; each accepts a trailing slash.
  private route(method: string, path: string): Route | undefined {
    if (/^\/apikey\/?$/.test(path)) {
      if (method === 'GET') return { kind: 'list' }
      if (method === 'POST') return { kind: 'create' }
      if (method === 'PUT') return { kind: 'update', id: undefined } // C put.ts:196, H put.ts:464: id in the body
      return undefined
    }
    const match = /^\/apikey\/([^/]+)\/?$/.exec(path)
    if (!match) return undefined
    const id = safeDecode(match[1]!)
    if (method === 'GET') return { kind: 'get', id }
    if (method === 'PUT') return { kind: 'update', id }
    if (method === 'DELETE') return { kind: 'delete', id }
    return undefined
  }

  // ---- authentication: C utils/hono_middleware.ts:435-446,512-611; H :374-385,448-548 ----

  private authenticate(headers: RecordedRequest['headers']): FakeKey {
    let jwt = header(headers, 'authorization')
    let capgkey = header(headers, 'capgkey') ?? header(headers, 'x-api-key')
    // C :439-443, H :378-382: a UUID in authorization is an API key and replaces capgkey.
    if (jwt && UUID.test(jwt)) {
      capgkey = jwt
      jwt = undefined
    }
    // C :562-572, H :498-508: anything else there is a user JWT, and wins; this fake holds no sessions.
    if (jwt) throw simple('invalid_jwt', 'Invalid JWT')
    // C :603-608, H :540-545
    if (!capgkey) throw new Refusal(401, 'no_jwt_apikey_or_subkey', 'No JWT, apikey or subkey provided')
    const key = this.byValue(capgkey)
    // C utils/supabase.ts:1489-1523 (middlewareV2(['all']): a mode other than all or null is
    // refused like an unknown key); H utils/supabase.ts:1728-1756 (no mode). Expired: the same 401.
    const wrongMode = this.generation !== 'current' && key?.mode != null && key.mode !== 'all'
    if (!key || wrongMode || this.expired(key)) throw new Refusal(401, 'invalid_apikey', 'Invalid apikey')
    return key
  }

  // find_apikey_by_value (H baseline.sql:4511-4550): by sha256 first, then the plain key column;
  // matching the plaintext kept here is the same thing.
  private byValue(plaintext: string): FakeKey | undefined {
    return [...this.keys.values()].find((k) => k.key === plaintext)
  }

  // C utils/supabase.ts:1512, H :1745: expired when expires_at < now (strictly).
  private expired(key: FakeKey): boolean {
    return key.expires_at !== null && new Date(key.expires_at).getTime() < this.now().getTime()
  }

  // ---- classic and documented (C) ----

  private classic(route: Route, caller: FakeKey, body: unknown): Reply {
    const documented = this.generation === 'documented'
    const limited = caller.limited_to_apps.length > 0 || caller.limited_to_orgs.length > 0
    const limitedError = (code: string) =>
      new Refusal(401, code, 'You cannot do that as a limited API key', { apikeyId: caller.id })
    switch (route.kind) {
      case 'list': {
        if (limited) throw limitedError('cannot_list_apikeys') // C get.ts:21-25
        // C get.ts:30-39: select('*') of the caller's user's keys, answered bare.
        const rows = this.listedBy(caller).map((k) => this.classicRow(k, false))
        return [200, documented ? { data: rows } : rows]
      }
      case 'get': {
        if (limited) throw limitedError('cannot_get_apikey') // C get.ts:46-50
        const id = this.classicId(route.id)
        // C get.ts:64-72: `key.eq.<id>,id.eq.<id>` of the caller's user.
        const key = this.classicLookup(id, caller)
        if (!key)
          throw new Refusal(404, 'failed_to_get_apikey', 'Failed to get API key', { supabaseError: NOT_FOUND_ROW })
        const row = this.classicRow(key, false)
        return [200, documented ? { apikey: row } : row]
      }
      case 'create': {
        const row = this.classicCreate(caller, limited, body)
        return [200, documented ? { apikey: row } : row]
      }
      case 'update': {
        if (limited) throw limitedError('cannot_update_apikey') // C put.ts:35-39
        const row = this.classicUpdate(route.id, caller, body)
        return [200, documented ? { apikey: row } : row]
      }
      case 'delete': {
        if (limited) throw limitedError('cannot_delete_apikey') // C delete.ts:21-25
        const id = this.classicId(route.id)
        // C delete.ts:40-43: missing and another user's key answer alike. The caller may delete itself.
        const key = this.classicLookup(id, caller)
        if (!key) throw new Refusal(404, 'api_key_not_found', 'API key not found', { supabaseError: NOT_FOUND_ROW })
        this.keys.delete(key.id)
        return [200, documented ? { success: true } : { status: 'ok' }] // C delete.ts:55, hono.ts:212 BRES
      }
    }
  }

  // C post.ts:93-333
  private classicCreate(caller: FakeKey, limited: boolean, body: unknown): Record<string, unknown> {
    const request = this.jsonBody(body) // :97
    // :102-115
    const apps = this.stringArray(
      request.limited_to_apps,
      'invalid_limited_to_apps',
      'limited_to_apps must be an array of app ids',
    )
    const orgs = this.stringArray(
      request.limited_to_orgs,
      'invalid_limited_to_orgs',
      'limited_to_orgs must be an array of org ids',
    )
    // :117-121: simpleError, so 400 (only an `all` key reaches here: the middleware refused the rest).
    if (caller.mode !== 'all' || limited)
      throw simple('cannot_create_apikey', 'You cannot create API keys with this API key', { keyId: caller.id })
    if (Array.isArray(request.bindings) && request.bindings.length > 0) {
      // :194-297: RBAC bindings at creation are outside what the action does.
      throw new Refusal(501, 'not_modelled', 'the fake does not model keys created with bindings')
    }
    // :148-160
    const name = request.name ?? ''
    if (!name) throw simple('name_is_required', 'Name is required')
    const mode = request.mode ?? null
    if (!mode) throw simple('mode_is_required', 'Mode is required when no bindings are provided')
    if (typeof mode !== 'string' || !KEY_MODES.includes(mode)) throw simple('invalid_mode', 'Invalid mode')
    const expiresAt = request.expires_at ?? null
    this.validateExpirationDate(expiresAt) // :163
    // :185-190: the policies of the orgs the key is limited to (none for an unlimited key).
    this.checkPolicy(this.resolvePolicyOrgIds(apps, orgs), expiresAt)
    // :298-330: insert (or create_hashed_apikey). limited_to_orgs is uuid[]: a non-UUID fails the insert.
    if ((orgs ?? []).some((org) => !UUID.test(org))) {
      throw simple('failed_to_create_apikey', 'Failed to create API key', {
        supabaseError: { code: '22P02', message: 'invalid input syntax for type uuid' },
      })
    }
    // The enforce_apikey_expiration_policy trigger (20260507090436_fix_apikey_rbac_rpc_oracle_and_
    // expiration_scope.sql:159-235) also covers an unlimited key, through the user's orgs.
    const violation = this.triggerViolation(apps, orgs, caller.user_id, expiresAt)
    if (violation) {
      throw simple('failed_to_create_apikey', 'Failed to create API key', {
        supabaseError: { code: 'P0001', message: violation.code, details: violation.message },
      })
    }
    const created = this.addKey({
      name: String(name),
      mode,
      limited_to_apps: apps ?? [],
      limited_to_orgs: orgs ?? [],
      expires_at: this.storedTimestamp(expiresAt),
      hashed: request.hashed === true,
      user_id: caller.user_id,
    })
    // :89, :332 and 20260505163356_apikey_nullable_mode_with_bindings.sql:141: the bare row, with
    // the plaintext in `key` (also for a hashed key: shown once).
    return this.classicRow(created, true)
  }

  // C put.ts:29-194
  private classicUpdate(routeId: string | undefined, caller: FakeKey, body: unknown): Record<string, unknown> {
    const request = this.jsonBody(body) // :41
    const { id, name, mode, limited_to_apps, limited_to_orgs, expires_at, regenerate } = request
    // :44-52
    const resolvedId = routeId ? routeId : id !== undefined ? String(id) : ''
    if (!resolvedId) throw simple('api_key_id_required', 'API key ID is required')
    if (!UUID.test(resolvedId) && !NUMERIC.test(resolvedId))
      throw simple('invalid_id_format', 'API key ID must be a valid UUID or number')
    this.validateExpirationDate(expires_at) // :55
    // :59-102
    const hasUpdates = [name, mode, limited_to_apps, limited_to_orgs, expires_at].some((v) => v !== undefined)
    if (name !== undefined && typeof name !== 'string') throw simple('name_must_be_a_string', 'Name must be a string')
    if (mode !== undefined && (typeof mode !== 'string' || !KEY_MODES.includes(mode))) {
      throw simple('invalid_mode', `Invalid mode. Must be one of: ${KEY_MODES.join(', ')}`)
    }
    const apps = this.stringArray(
      limited_to_apps,
      'limited_to_apps_must_be_an_array_of_strings',
      'limited_to_apps must be an array of strings',
    )
    const orgs = this.stringArray(
      limited_to_orgs,
      'limited_to_orgs_must_be_an_array_of_strings',
      'limited_to_orgs must be an array of strings',
    )
    if (regenerate !== undefined && typeof regenerate !== 'boolean')
      throw simple('regenerate_must_be_boolean', 'regenerate must be a boolean')
    if (!hasUpdates && !regenerate) {
      throw simple(
        'no_valid_fields_provided_for_update',
        'No valid fields provided for update. Provide name, mode, limited_to_apps, limited_to_orgs, or expires_at.',
      )
    }
    // :108-129: by id, or by the plain key column for a UUID; the caller's user only. No self check.
    const target = NUMERIC.test(resolvedId)
      ? this.ownedBy(caller).find((k) => k.id === Number(resolvedId))
      : this.ownedBy(caller).find((k) => !k.hashed && k.key === resolvedId)
    if (!target)
      throw new Refusal(404, 'api_key_not_found_or_access_denied', 'API key not found or access denied', {
        supabaseError: NOT_FOUND_ROW,
      })
    const nextApps = apps ?? target.limited_to_apps
    const nextOrgs = orgs ?? target.limited_to_orgs
    // :134-144: the policies of the orgs it is limited to, when expiry or scope change.
    if (expires_at !== undefined || orgs !== undefined || apps !== undefined) {
      const expiration = expires_at !== undefined ? expires_at : target.expires_at
      this.checkPolicy(this.resolvePolicyOrgIds(nextApps, nextOrgs), expiration)
    }
    if (hasUpdates) {
      // :149-162: the update. The expiry trigger (see classicCreate) refuses it with a 500 when an
      // unlimited key's new expiry breaks the user's org policy; uuid[] refuses a non-UUID org.
      const nextExpiry = expires_at !== undefined ? this.storedTimestamp(expires_at) : target.expires_at
      const scopeChanged =
        !sameInstant(nextExpiry, target.expires_at) ||
        !sameList(nextApps, target.limited_to_apps) ||
        !sameList(nextOrgs, target.limited_to_orgs)
      const violation = scopeChanged ? this.triggerViolation(nextApps, nextOrgs, target.user_id, nextExpiry) : undefined
      if (violation || nextOrgs.some((org) => !UUID.test(org))) {
        throw new Refusal(500, 'failed_to_update_apikey', 'Failed to update API key', {
          supabaseError: {
            code: violation ? 'P0001' : '22P02',
            message: violation?.code ?? 'invalid input syntax for type uuid',
          },
        })
      }
      if (name !== undefined) target.name = name as string
      if (mode !== undefined) target.mode = mode as string
      target.limited_to_apps = [...nextApps]
      target.limited_to_orgs = [...nextOrgs]
      target.expires_at = nextExpiry
      this.touch(target)
    }
    // :164-191: regenerate_hashed_apikey keeps a hashed key hashed; a plain key gets a new value from
    // the apikeys_force_server_key trigger (20260206120000_apikey_server_generation.sql:22-71, 166-199).
    // expires_at stays unless sent. The caller may regenerate itself.
    if (regenerate) {
      this.regenerate(target)
      return this.classicRow(target, true)
    }
    return this.classicRow(target, false) // :193: `.select()`: every column
  }

  // Every column of C's apikeys (utils/supabase.types.ts apikeys.Row): key null for a hashed key
  // unless this answer shows its plaintext once.
  private classicRow(k: FakeKey, showPlaintext: boolean): Record<string, unknown> {
    return {
      id: k.id,
      created_at: k.created_at,
      user_id: k.user_id,
      key: k.hashed && !showPlaintext ? null : k.key,
      mode: k.mode,
      updated_at: k.updated_at,
      name: k.name,
      limited_to_orgs: [...k.limited_to_orgs],
      limited_to_apps: [...k.limited_to_apps],
      key_hash: k.hashed ? sha256Hex(k.key) : null,
      expires_at: k.expires_at,
      rbac_id: k.rbac_id,
    }
  }

  // C get.ts:11-15, delete.ts:11-15
  private classicId(id: string | undefined): string {
    if (!id) throw simple('api_key_id_required', 'API key ID is required')
    if (!UUID.test(id) && !NUMERIC.test(id))
      throw simple('invalid_id_format', 'API key ID must be a valid UUID or number')
    return id
  }

  // C get.ts:67, delete.ts:40: `.or(key.eq.<id>,id.eq.<id>)`. A UUID fails the bigint cast of `id`,
  // so the query errs and the key is "not found": only numeric ids reach a key.
  private classicLookup(id: string, caller: FakeKey): FakeKey | undefined {
    if (!NUMERIC.test(id)) return undefined
    return this.ownedBy(caller).find((k) => k.id === Number(id) || (!k.hashed && k.key === id))
  }

  // C utils/supabase.ts:1582-1635: org ids of limited_to_orgs plus the owners of limited_to_apps.
  private resolvePolicyOrgIds(apps: string[] | undefined, orgs: string[] | undefined): string[] {
    const orgIds = new Set((orgs ?? []).filter(Boolean))
    const unresolvedAppIds: string[] = []
    for (const app of new Set((apps ?? []).filter(Boolean))) {
      const owner = this.apps.get(app)
      if (owner) orgIds.add(owner)
      else unresolvedAppIds.push(app)
    }
    if (unresolvedAppIds.length > 0)
      throw simple('failed_to_resolve_apikey_policy_scope', 'Failed to resolve API key policy scope', {
        unresolvedAppIds,
      })
    return [...orgIds]
  }

  // The expiry trigger on C: explicit scope orgs, or every org of the user for an unlimited key.
  private triggerViolation(apps: string[] | undefined, orgs: string[] | undefined, userId: string, expiresAt: unknown) {
    const unlimited = (apps ?? []).length === 0 && (orgs ?? []).length === 0
    const scope = new Set([...(orgs ?? []), ...(apps ?? []).flatMap((app) => this.apps.get(app) ?? [])])
    if (unlimited && userId === FAKE_USER_ID) scope.add(FAKE_ORG_ID)
    return scope.has(FAKE_ORG_ID) ? this.policyViolation(expiresAt) : undefined
  }

  // ---- current (H) ----

  private current(route: Route, caller: FakeKey, body: unknown): Reply {
    const managed = this.manageableOrgIds(caller)
    // H scope.ts:195-210: a key that manages no org may not touch keys at all.
    const management = (code: string) => {
      if (managed.size === 0)
        throw new Refusal(401, code, 'API key management requires RBAC org role management permission', {
          apikeyId: caller.id,
        })
    }
    const cannotManage = (code: string) =>
      new Refusal(401, code, 'API key cannot manage this API key', { apikeyId: caller.id })
    switch (route.kind) {
      case 'list': {
        management('cannot_list_apikeys') // H get.ts:57
        // H get.ts:59-70: the public columns of the user's keys, only those bound solely in orgs the
        // caller manages (scope.ts:236-259), with their global permissions (global_permissions.ts:115-130).
        const rows = this.listedBy(caller)
          .filter((k) => this.canManage(managed, k))
          .map((k) => ({ ...this.publicRow(k), global_permissions: k.rbac_id ? [...k.global_permissions] : [] }))
        return [200, rows]
      }
      case 'get': {
        management('cannot_get_apikey') // H get.ts:77
        const key = this.currentLookup(route.id, caller) // H get.ts:79-92
        if (!key)
          throw new Refusal(404, 'failed_to_get_apikey', 'Failed to get API key', { supabaseError: NOT_FOUND_ROW })
        if (!this.canManage(managed, key)) throw cannotManage('cannot_get_apikey') // H get.ts:93
        return [200, { ...this.publicRow(key), global_permissions: [...key.global_permissions] }]
      }
      case 'create':
        // H post.ts:72-76: any API key, before the body is read.
        throw simple('cannot_create_apikey', 'API keys cannot create other API keys')
      case 'update':
        management('cannot_update_apikey') // H put.ts:282
        return [200, this.currentUpdate(route.id, caller, managed, body)]
      case 'delete': {
        management('cannot_delete_apikey') // H delete.ts:12
        const key = this.currentLookup(route.id, caller) // H delete.ts:14-27: missing or another user's: 404
        if (!key) throw new Refusal(404, 'api_key_not_found', 'API key not found', { supabaseError: NOT_FOUND_ROW })
        if (key.id === caller.id)
          throw new Refusal(401, 'cannot_delete_apikey', 'API keys cannot delete themselves', { apikeyId: caller.id }) // :28-30
        if (!this.canManage(managed, key)) throw cannotManage('cannot_delete_apikey') // :31
        this.keys.delete(key.id)
        return [200, { status: 'ok' }] // :39, hono.ts:249 BRES
      }
    }
  }

  // H put.ts:277-462
  private currentUpdate(
    routeId: string | undefined,
    caller: FakeKey,
    managed: Set<string>,
    body: unknown,
  ): Record<string, unknown> {
    const request = this.jsonBody(body) // :284
    const { id, name, expires_at, regenerate } = request
    // :45-59, global_permissions.ts:23-40
    if (request.bindings !== undefined && !Array.isArray(request.bindings))
      throw simple('invalid_bindings', 'bindings must be an array')
    if (Array.isArray(request.bindings) && request.bindings.length === 0)
      throw simple('bindings_required', 'API key bindings are required')
    const hasBindingUpdates = request.bindings !== undefined
    const permissions = request.global_permissions
    if (permissions !== undefined && !Array.isArray(permissions))
      throw simple('invalid_global_permissions', 'global_permissions must be an array')
    if (Array.isArray(permissions) && permissions.some((p) => p !== 'org.create'))
      throw simple('invalid_global_permissions', 'Unsupported API key global permission')
    // :291-299
    const resolvedId = routeId ? routeId : id !== undefined ? String(id) : ''
    if (!resolvedId) throw simple('api_key_id_required', 'API key ID is required')
    if (!validCurrentId(resolvedId)) throw simple('invalid_id_format', 'API key ID must be a valid UUID or number')
    this.validateExpirationDate(expires_at) // :302
    // :306-327
    const hasUpdates = name !== undefined || expires_at !== undefined
    if (name !== undefined && typeof name !== 'string') throw simple('name_must_be_a_string', 'Name must be a string')
    if (regenerate !== undefined && typeof regenerate !== 'boolean')
      throw simple('regenerate_must_be_boolean', 'regenerate must be a boolean')
    if (!hasUpdates && !regenerate && !hasBindingUpdates && permissions === undefined) {
      throw simple(
        'no_valid_fields_provided_for_update',
        'No valid fields provided for update. Provide name, expires_at, bindings, global_permissions, or regenerate.',
      )
    }
    // :333-341: missing or another user's key.
    const target = this.currentLookup(resolvedId, caller)
    if (!target)
      throw new Refusal(404, 'api_key_not_found_or_access_denied', 'API key not found or access denied', {
        supabaseError: NOT_FOUND_ROW,
      })
    // :342-344 (rbac_id is NOT NULL in baseline.sql:1813, so only a forced row gets here)
    if (!target.rbac_id)
      throw new Refusal(409, 'apikey_missing_rbac_bindings', 'API key is missing RBAC bindings and cannot be updated', {
        apikeyId: target.id,
      })
    if (target.id === caller.id)
      throw new Refusal(401, 'cannot_update_apikey', 'API keys cannot update themselves', { apikeyId: caller.id }) // :345-347
    if (hasBindingUpdates || permissions !== undefined) {
      throw new Refusal(401, 'cannot_update_apikey', 'API keys cannot update API key permissions', {
        apikeyId: caller.id,
      }) // :348-350
    }
    // :353-354: every org the target is bound in must be managed; a key without bindings is not.
    if (!this.canManage(managed, target))
      throw new Refusal(401, 'cannot_update_apikey', 'API key cannot manage this API key', { apikeyId: caller.id })
    // :356-362: the policies of the target's binding orgs, only when expires_at is sent.
    if (expires_at !== undefined && target.org_ids.includes(FAKE_ORG_ID)) this.checkPolicy([FAKE_ORG_ID], expires_at)
    if (hasUpdates) {
      // :405-418 (the baseline's expiry trigger, :3936-3980, would refuse what :356-362 already did)
      if (name !== undefined) target.name = name as string
      if (expires_at !== undefined) target.expires_at = this.storedTimestamp(expires_at)
      this.touch(target)
    }
    // :420-448: a new value in place, hashed state kept (baseline.sql:627-675, 13242-13273); the
    // full row with the plaintext in `key` (and key_hash), plus is_hashed_key.
    if (regenerate) {
      this.regenerate(target)
      return {
        id: target.id,
        created_at: target.created_at,
        user_id: target.user_id,
        key: target.key,
        updated_at: target.updated_at,
        name: target.name,
        key_hash: target.hashed ? sha256Hex(target.key) : null,
        expires_at: target.expires_at,
        rbac_id: target.rbac_id,
        is_hashed_key: target.hashed,
      }
    }
    return this.publicRow(target) // :461
  }

  // H get.ts:16-24: exactly these columns, key_hash turned into is_hashed_key.
  private publicRow(k: FakeKey): Record<string, unknown> {
    return {
      created_at: k.created_at,
      expires_at: k.expires_at,
      id: k.id,
      name: k.name,
      rbac_id: k.rbac_id,
      updated_at: k.updated_at,
      user_id: k.user_id,
      is_hashed_key: k.hashed,
    }
  }

  // H scope.ts:78-95: the caller's binding orgs where its role holds org.manage_apikeys.
  private manageableOrgIds(caller: FakeKey): Set<string> {
    if (!caller.rbac_id || !caller.role || !MANAGER_ROLES.has(caller.role)) return new Set()
    return new Set(caller.org_ids)
  }

  // H scope.ts:97-102
  private canManage(managed: Set<string>, target: FakeKey): boolean {
    return target.rbac_id !== null && target.org_ids.length > 0 && target.org_ids.every((org) => managed.has(org))
  }

  // H scope.ts:27-32 (format) and 261-278 (numeric: by id; else the plain key column), own user only.
  private currentLookup(id: string | undefined, caller: FakeKey): FakeKey | undefined {
    if (!id) throw simple('api_key_id_required', 'API key ID is required')
    if (!validCurrentId(id)) throw simple('invalid_id_format', 'API key ID must be a valid UUID or number')
    return NUMERIC.test(id)
      ? this.ownedBy(caller).find((k) => k.id === Number(id))
      : this.ownedBy(caller).find((k) => !k.hashed && k.key === id)
  }

  // ---- shared ----

  // C get.ts:33, H get.ts:62: `.eq('user_id', auth.userId)`. Only a list is capped at max_rows
  // (listedBy); a lookup by id or value reaches every row.
  private ownedBy(caller: FakeKey): FakeKey[] {
    return [...this.keys.values()].filter((k) => k.user_id === caller.user_id)
  }

  private listedBy(caller: FakeKey): FakeKey[] {
    return this.ownedBy(caller).slice(0, MAX_ROWS)
  }

  // utils/hono.ts parseBody (C, H :405-416): a body that is not JSON is a 400.
  private jsonBody(body: unknown): Body {
    if (body === undefined || typeof body === 'string') throw simple('invalid_json_parse_body', 'Invalid JSON body')
    if (body === null || typeof body !== 'object') throw new Refusal(500, 'unknown_error', 'Unknown error')
    return body as Body
  }

  private stringArray(value: unknown, code: string, message: string): string[] | undefined {
    if (value === undefined) return undefined
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw simple(code, message)
    return [...(value as string[])]
  }

  // C utils/supabase.ts:1565-1576, H :1796-1807: unparsable, or not after now.
  private validateExpirationDate(value: unknown): void {
    if (value === null || value === undefined) return
    const date = new Date(value as string)
    if (Number.isNaN(date.getTime())) throw simple('invalid_expiration_date', 'Invalid expiration date format')
    if (date.getTime() <= this.now().getTime())
      throw simple('invalid_expiration_date', 'Expiration date must be in the future')
  }

  // C utils/supabase.ts:1644-1678, H :1875-1909 (only the fake org has a policy).
  private checkPolicy(orgIds: string[], expiresAt: unknown): void {
    if (!orgIds.includes(FAKE_ORG_ID)) return
    const violation = this.policyViolation(expiresAt)
    if (violation) throw simple(violation.code, violation.message)
  }

  private policyViolation(expiresAt: unknown): { code: string; message: string } | undefined {
    const { requireExpiry, maxDays } = this.orgPolicy
    if (requireExpiry && !expiresAt)
      return { code: 'expiration_required', message: 'This organization requires API keys to have an expiration date' }
    if (maxDays && expiresAt) {
      const max = this.now().getTime() + maxDays * 86_400_000
      if (new Date(expiresAt as string).getTime() > max) {
        return {
          code: 'expiration_exceeds_max',
          message: `API key expiration cannot exceed ${maxDays} days for this organization`,
        }
      }
    }
    return undefined
  }

  private storedTimestamp(value: unknown): string | null {
    return value === null || value === undefined ? null : pgTimestamp(new Date(value as string))
  }

  private regenerate(key: FakeKey): void {
    key.key = randomUUID()
    this.everIssued.push(key.key)
    this.touch(key)
  }

  // The handle_updated_at trigger (moddatetime) on every UPDATE, regenerate and rename included:
  // C 20250530233128_base.sql:4127-4129, H baseline.sql:19780.
  private touch(key: FakeKey): void {
    key.updated_at = pgTimestamp(this.now())
  }
}

function validCurrentId(id: string): boolean {
  return UUID.test(id) || NUMERIC.test(id) || LEGACY_KEY.test(id)
}

function sameInstant(a: string | null, b: string | null): boolean {
  return a === b || (a !== null && b !== null && new Date(a).getTime() === new Date(b).getTime())
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
