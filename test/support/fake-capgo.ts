import { randomUUID } from 'node:crypto'
import { FakeService, header, type RecordedRequest, type Reply } from './fake-http.js'

// Capgo's /apikey API as docs/capgo-api.md describes both generations. Keys live in memory so
// that a test can check which keys are alive after a run.

export type Generation = 'classic' | 'current'

export interface FakeKey {
  id: number
  name: string
  key: string
  mode: string
  limited_to_apps: string[]
  limited_to_orgs: string[]
  expires_at: string | null
  created_at: string
}

export class FakeCapgo extends FakeService {
  readonly keys = new Map<number, FakeKey>()
  /** Every key value this fake ever held, deleted and regenerated ones included. */
  private readonly everIssued: string[] = []
  readonly managingKey: FakeKey
  private nextId = 100

  constructor(
    readonly generation: Generation,
    baseUrl = 'https://capgo.test',
  ) {
    super(baseUrl)
    this.managingKey = this.addKey({ name: 'ci key manager', mode: 'all' })
  }

  addKey(partial: Partial<FakeKey> & { name: string }): FakeKey {
    const key: FakeKey = {
      id: this.nextId++,
      key: randomUUID(),
      mode: 'upload',
      limited_to_apps: [],
      limited_to_orgs: [],
      expires_at: null,
      created_at: new Date().toISOString(),
      ...partial,
    }
    this.keys.set(key.id, key)
    this.everIssued.push(key.key)
    return key
  }

  /** Gives a key a chosen value (the sandbox's fixed managing key), remembered for leak checks. */
  setValue(key: FakeKey, value: string): void {
    key.key = value
    this.everIssued.push(value)
  }

  named(name: string): FakeKey[] {
    return [...this.keys.values()].filter((k) => k.name === name)
  }

  /** Every key value a response could have shown, for leak checks. */
  allKeyValues(): string[] {
    return [...this.everIssued]
  }

  private row(key: FakeKey, withKey: boolean): Record<string, unknown> {
    const { key: plaintext, ...rest } = key
    if (this.generation === 'classic') return { ...rest, key: plaintext, user_id: 'u1', updated_at: key.created_at }
    return { ...rest, user_id: 'u1', is_hashed_key: true, ...(withKey ? { key: plaintext } : {}) }
  }

  private error(status: number, code: string, message: string): Reply {
    return this.generation === 'classic' ? [status, { error: message, status: 'KO' }] : [status, { error: code, message, moreInfo: {} }]
  }

  protected handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply {
    const credential = header(headers, 'capgkey') ?? header(headers, 'authorization')
    const caller = [...this.keys.values()].find((k) => k.key === credential)
    if (!caller) return this.error(401, 'invalid_apikey', 'Invalid API key')
    if (caller.mode !== 'all') return this.error(401, 'invalid_apikey', 'Insufficient permissions to manage API keys')

    const idMatch = /^\/apikey\/(\d+)\/?$/.exec(path)
    const id = idMatch ? Number(idMatch[1]) : undefined
    if (method === 'GET' && /^\/apikey\/?$/.test(path)) {
      const rows = [...this.keys.values()].map((k) => this.row(k, false))
      return [200, this.generation === 'classic' ? { data: rows } : rows]
    }
    if (method === 'POST' && /^\/apikey\/?$/.test(path)) {
      if (this.generation === 'current') return this.error(400, 'cannot_create_apikey', 'API keys cannot create other API keys')
      const request = body as Record<string, unknown>
      const mode = String(request.mode)
      if (!['read', 'upload', 'write', 'all'].includes(mode)) {
        return this.error(400, 'invalid_mode', 'Invalid mode specified. Must be one of: read, write, upload, all')
      }
      const created = this.addKey({
        name: String(request.name),
        mode,
        limited_to_apps: (request.limited_to_apps as string[] | undefined) ?? [],
        limited_to_orgs: (request.limited_to_orgs as string[] | undefined) ?? [],
        expires_at: typeof request.expires_at === 'string' ? request.expires_at : null,
      })
      return [200, { apikey: this.row(created, true) }]
    }
    if (method === 'PUT' && id !== undefined) {
      if (this.generation === 'classic') return [404, { error: 'Not Found', status: 'KO' }]
      if (id === caller.id) return this.error(401, 'cannot_update_self', 'API keys cannot update themselves')
      const target = this.keys.get(id)
      if (!target) return this.error(404, 'api_key_not_found_or_access_denied', 'API key not found or access denied')
      const request = body as Record<string, unknown>
      if (request.regenerate === true) {
        target.key = randomUUID()
        this.everIssued.push(target.key)
      }
      if (typeof request.expires_at === 'string') target.expires_at = request.expires_at
      return [200, this.row(target, true)]
    }
    if (method === 'DELETE' && id !== undefined) {
      if (this.generation === 'current' && id === caller.id) return this.error(401, 'cannot_delete_self', 'API keys cannot delete themselves')
      if (!this.keys.delete(id)) return this.error(404, 'api_key_not_found', 'API key not found')
      return [200, this.generation === 'classic' ? { success: true } : { status: 'ok' }]
    }
    return [404, { error: 'not_found', message: `no route ${method} ${path}` }]
  }
}
