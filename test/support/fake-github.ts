import sodium from 'libsodium-wrappers'
import { FakeService, header, type RecordedRequest, type Reply } from './fake-http.js'

// The secrets endpoints of GitHub's REST API (repository, environment, organization; Actions and
// Dependabot) with a real key pair per secrets collection, so that a test can decrypt what was
// written with that collection's own private key, and show that no other key opens it.
// As GitHub does: secret and variable names are case-insensitive and stored upper-cased;
// timestamps have whole seconds; every answer carries a Date header from GitHub's own clock,
// which a test may set apart from the runner's (clockSkewMs) or make run on (clockStepMs).

interface StoredSecret {
  encrypted_value: string
  key_id: string
  visibility?: string
  selected_repository_ids?: number[]
  created_at: string
  updated_at: string
}

interface StoredVariable {
  value: string
  created_at: string
  updated_at: string
}

interface Collection {
  readonly keyId: string
  readonly publicKey: Uint8Array
  readonly privateKey: Uint8Array
  readonly secrets: Map<string, StoredSecret>
  readonly isOrg: boolean
}

export type SecretKind = 'actions' | 'dependabot'

const LEASE_PATH = /\/actions\/variables\/CAPGO_ROTATION_LEASE_[0-9A-F]+$/
const isLeasePost = (r: RecordedRequest) =>
  r.method === 'POST' &&
  /\/actions\/variables$/.test(r.path) &&
  /^CAPGO_ROTATION_LEASE_/.test(String((r.body as { name?: unknown } | undefined)?.name))

let keyIds = 1000
let repoIds = 5000

/** Names a secrets collection: a repository's, an environment's, or an organization's. */
export type Scope =
  | { repo: string; type?: SecretKind }
  | { repo: string; environment: string }
  | { org: string; type?: SecretKind }

function scopeKey(scope: Scope): string {
  if ('org' in scope) return `orgs/${scope.org}/${scope.type ?? 'actions'}`.toLowerCase()
  if ('environment' in scope) return `repos/${scope.repo}/environments/${scope.environment}`.toLowerCase()
  return `repos/${scope.repo}/${scope.type ?? 'actions'}`.toLowerCase()
}

export class FakeGitHub extends FakeService {
  private readonly collections = new Map<string, Collection>()
  readonly repoIds = new Map<string, number>()
  /** Repository Actions variables, by "owner/repo" and then upper-cased name. */
  readonly variables = new Map<string, Map<string, StoredVariable>>()
  /** GitHub's clock minus the runner's. */
  clockSkewMs = 0
  /** GitHub's clock moves on this much with every request it handles (a slow server, seen from its clock). */
  clockStepMs = 0

  /** GitHub's time now, in milliseconds. */
  now(): number {
    return Date.now() + this.clockSkewMs
  }

  /** GitHub's timestamps: ISO 8601 in whole seconds, e.g. 2026-01-10T14:59:22Z. */
  iso(ms: number = this.now()): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  }

  constructor(
    readonly token: string,
    baseUrl = 'https://github.test/api/v3',
  ) {
    super(baseUrl)
  }

  static async ready(): Promise<void> {
    await sodium.ready
  }

  addRepo(fullName: string, options: { environments?: string[] } = {}): this {
    this.repoIds.set(fullName.toLowerCase(), repoIds++)
    this.variables.set(fullName.toLowerCase(), new Map())
    this.addCollection({ repo: fullName, type: 'actions' }, false)
    this.addCollection({ repo: fullName, type: 'dependabot' }, false)
    for (const environment of options.environments ?? []) this.addCollection({ repo: fullName, environment }, false)
    return this
  }

  addOrg(org: string): this {
    this.addCollection({ org, type: 'actions' }, true)
    this.addCollection({ org, type: 'dependabot' }, true)
    return this
  }

  /**
   * Requests that change something, but for the lease's (a variable CAPGO_ROTATION_LEASE_*, taken
   * and released by every run, leaving nothing behind): see leaseRequests() for those.
   */
  override mutatingRequests(): RecordedRequest[] {
    return super.mutatingRequests().filter((r) => !LEASE_PATH.test(r.path) && !isLeasePost(r))
  }

  leaseRequests(): RecordedRequest[] {
    return this.requests.filter((r) => LEASE_PATH.test(r.path) || isLeasePost(r))
  }

  /** Puts a secret in place as if written earlier (value unreadable, metadata only). */
  seedSecret(scope: Scope, name: string, fields: Partial<StoredSecret> = {}): this {
    const collection = this.collection(scope)
    const at = fields.updated_at ?? this.iso()
    collection.secrets.set(name.toUpperCase(), {
      encrypted_value: 'seeded',
      key_id: collection.keyId,
      created_at: at,
      updated_at: at,
      ...fields,
    })
    return this
  }

  variable(repo: string, name: string): string | undefined {
    return this.variables.get(repo.toLowerCase())?.get(name.toUpperCase())?.value
  }

  /** The variable's names in a repository, as GitHub lists them (upper-cased). */
  variableNames(repo: string): string[] {
    return [...(this.variables.get(repo.toLowerCase())?.keys() ?? [])]
  }

  setVariable(repo: string, name: string, value: string, updatedAt: string = this.iso()): this {
    this.variables
      .get(repo.toLowerCase())!
      .set(name.toUpperCase(), { value, created_at: updatedAt, updated_at: updatedAt })
    return this
  }

  /** The secrets of a collection by name (upper-cased, as GitHub stores them). */
  secretNames(scope: Scope): string[] {
    return [...this.collection(scope).secrets.keys()]
  }

  /** Moves every secret's timestamps `days` into the past, as if that much time went by. */
  age(days: number): this {
    for (const collection of this.collections.values()) {
      for (const secret of collection.secrets.values()) {
        secret.updated_at = this.iso(Date.parse(secret.updated_at) - days * 86_400_000)
        secret.created_at = this.iso(Date.parse(secret.created_at) - days * 86_400_000)
      }
    }
    return this
  }

  /** Stores `value` sealed with the collection's own key, as if an earlier run had written it. */
  sealAndStore(scope: Scope, name: string, value: string, fields: Partial<StoredSecret> = {}): this {
    const collection = this.collection(scope)
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), collection.publicKey)
    return this.seedSecret(scope, name, {
      ...fields,
      encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
    })
  }

  stored(scope: Scope, name: string): StoredSecret | undefined {
    return this.collection(scope).secrets.get(name.toUpperCase())
  }

  /** Opens the stored secret with its own collection's key pair. */
  decrypt(scope: Scope, name: string): string {
    return this.decryptWith(scope, name, scope)
  }

  /** Tries to open the secret of one collection with another collection's key pair. */
  decryptWith(scope: Scope, name: string, keysOf: Scope): string {
    const stored = this.stored(scope, name)
    if (!stored) throw new Error(`no secret ${name} in ${scopeKey(scope)}`)
    const keys = this.collection(keysOf)
    const sealed = sodium.from_base64(stored.encrypted_value, sodium.base64_variants.ORIGINAL)
    return sodium.to_string(sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey))
  }

  private addCollection(scope: Scope, isOrg: boolean): void {
    const pair = sodium.crypto_box_keypair()
    this.collections.set(scopeKey(scope), {
      keyId: String(keyIds++),
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      secrets: new Map(),
      isOrg,
    })
  }

  private collection(scope: Scope): Collection {
    const found = this.collections.get(scopeKey(scope))
    if (!found) throw new Error(`the fake has no collection ${scopeKey(scope)}`)
    return found
  }

  protected handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply {
    this.clockSkewMs += this.clockStepMs
    const [status, payload, extra] = this.route(method, path, headers, body)
    return [status, payload, { ...extra, date: new Date(this.now()).toUTCString() }]
  }

  private route(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply {
    const auth = header(headers, 'authorization')
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return [401, { message: 'Bad credentials' }]
    const basePath = new URL(this.baseUrl).pathname.replace(/\/$/, '')
    if (!path.startsWith(`${basePath}/`)) return [404, { message: 'Not Found' }]
    const relative = path.slice(basePath.length)

    const repo = /^\/repos\/([^/]+)\/([^/]+)$/.exec(relative)
    if (repo && method === 'GET') {
      const id = this.repoIds.get(`${repo[1]}/${repo[2]}`.toLowerCase())
      return id === undefined
        ? [404, { message: 'Not Found' }]
        : [200, { id, name: repo[2], full_name: `${repo[1]}/${repo[2]}` }]
    }

    const variables = /^\/repos\/([^/]+\/[^/]+)\/actions\/variables(?:\/([^/]+))?$/.exec(relative)
    if (variables) return this.handleVariable(method, variables[1]!, variables[2], body)

    const match =
      /^\/(repos\/[^/]+\/[^/]+\/(?:actions|dependabot))\/secrets(?:\/(.*))?$/.exec(relative) ??
      /^\/(repos\/[^/]+\/[^/]+\/environments\/[^/]+)\/secrets(?:\/(.*))?$/.exec(relative) ??
      /^\/(orgs\/[^/]+\/(?:actions|dependabot))\/secrets(?:\/(.*))?$/.exec(relative)
    if (!match) return [404, { message: 'Not Found' }]
    const collection = this.collections.get(decodeURIComponent(match[1]!).toLowerCase())
    if (!collection) return [404, { message: 'Not Found' }]
    const rest = match[2] ?? ''

    if (method === 'GET' && rest === 'public-key') {
      return [
        200,
        { key_id: collection.keyId, key: sodium.to_base64(collection.publicKey, sodium.base64_variants.ORIGINAL) },
      ]
    }
    const [rawName, sub] = rest.split('/')
    if (!rawName) return [404, { message: 'Not Found' }]
    const name = decodeURIComponent(rawName).toUpperCase()
    const stored = collection.secrets.get(name)
    if (method === 'GET' && sub === undefined) {
      if (!stored) return [404, { message: 'Not Found' }]
      const { encrypted_value: _value, key_id: _key, selected_repository_ids: _ids, ...metadata } = stored
      return [200, { name, ...metadata }]
    }
    if (method === 'GET' && sub === 'repositories' && collection.isOrg) {
      if (!stored) return [404, { message: 'Not Found' }]
      const repositories = (stored.selected_repository_ids ?? []).map((id) => ({ id, name: `repo-${id}` }))
      return [200, { total_count: repositories.length, repositories }]
    }
    if (method === 'PUT' && sub === undefined) {
      const request = body as Partial<StoredSecret> & { selected_repository_ids?: number[] }
      if (!request.encrypted_value || request.key_id !== collection.keyId) {
        return [422, { message: 'Invalid request.\n\nkey_id does not match the public key.' }]
      }
      if (collection.isOrg && !['all', 'private', 'selected'].includes(String(request.visibility))) {
        return [422, { message: 'Invalid request.\n\n"visibility" is required.' }]
      }
      const now = this.iso()
      collection.secrets.set(name, {
        encrypted_value: request.encrypted_value,
        key_id: request.key_id,
        created_at: stored?.created_at ?? now,
        updated_at: now,
        ...(collection.isOrg
          ? {
              visibility: request.visibility,
              // GitHub drops the selection unless it is sent again.
              selected_repository_ids: request.visibility === 'selected' ? (request.selected_repository_ids ?? []) : [],
            }
          : {}),
      })
      return stored ? [204] : [201, {}]
    }
    if (method === 'DELETE' && sub === undefined) {
      return collection.secrets.delete(name) ? [204] : [404, { message: 'Not Found' }]
    }
    return [404, { message: 'Not Found' }]
  }

  private handleVariable(method: string, repo: string, name: string | undefined, body: unknown): Reply {
    const store = this.variables.get(repo.toLowerCase())
    if (!store) return [404, { message: 'Not Found' }]
    const request = body as { name?: string; value?: string } | undefined
    const key = name === undefined ? undefined : decodeURIComponent(name).toUpperCase()
    // GitHub's REST reference: GET 200 {name, value, created_at, updated_at}; POST 201 (409 when the
    // name is taken); PATCH 204; DELETE 204; an unknown name 404.
    if (method === 'GET' && !key) {
      // GET /repos/{owner}/{repo}/actions/variables: 200 {total_count, variables}.
      const variables = [...store].map(([stored, value]) => ({ name: stored, ...value }))
      return [200, { total_count: variables.length, variables }]
    }
    if (method === 'GET' && key) {
      const stored = store.get(key)
      return stored === undefined ? [404, { message: 'Not Found' }] : [200, { name: key, ...stored }]
    }
    if (method === 'POST' && !key && request?.name && typeof request.value === 'string') {
      const created = request.name.toUpperCase()
      if (store.has(created)) return [409, { message: 'Already exists - Variable already exists' }]
      const now = this.iso()
      store.set(created, { value: request.value, created_at: now, updated_at: now })
      return [201, {}]
    }
    if (method === 'PATCH' && key && typeof request?.value === 'string') {
      const stored = store.get(key)
      if (!stored) return [404, { message: 'Not Found' }]
      store.set(key, { ...stored, value: request.value, updated_at: this.iso() })
      return [204]
    }
    if (method === 'DELETE' && key) {
      return store.delete(key) ? [204] : [404, { message: 'Not Found' }]
    }
    return [404, { message: 'Not Found' }]
  }
}
