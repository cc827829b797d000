import { describe, expect, it } from 'vitest'
import {
  FAKE_APP_ID,
  FAKE_ORG_ID,
  FakeCapgo,
  pgTimestamp,
  sha256Hex,
  type FakeCapgoOptions,
  type FakeKey,
  type Generation,
} from './support/fake-capgo.js'

// The fake Capgo itself, through nock with plain fetch. Each test names the backend source it
// models: C = Cap-go/capgo 329f5d00 (classic), H = 4bc7d83f (current); see test/support/fake-capgo.ts.

const BASE = 'https://capgo.test'
const UNKNOWN_UUID = '11111111-2222-4333-8444-555555555555'
const OTHER_ORG = '99999999-8888-4777-8666-555555555555'

let fake: FakeCapgo

function setup(generation: Generation, options?: FakeCapgoOptions): FakeCapgo {
  fake = new FakeCapgo(generation, BASE, options).install()
  return fake
}

interface Answer {
  status: number
  /** Whatever the fake answered: JSON, or text. */
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever shape each server answers
  body: any
}

async function call(
  method: string,
  path: string,
  options: { key?: string | null; headers?: Record<string, string>; body?: unknown; raw?: string } = {},
): Promise<Answer> {
  const key = options.key === undefined ? fake.managingKey.key : options.key
  const headers: Record<string, string> = { ...(key === null ? {} : { capgkey: key }), ...options.headers }
  let body: string | undefined = options.raw
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const response = await fetch(`${BASE}${path}`, { method, headers, body })
  const text = await response.text()
  try {
    return { status: response.status, body: JSON.parse(text) }
  } catch {
    return { status: response.status, body: text }
  }
}

function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status)
  expect(answer.body).toMatchObject({ error: code, message: expect.any(String), moreInfo: expect.any(Object) })
}

/** Moves the fake's clock forward. */
function advance(ms: number): void {
  const at = fake.now().getTime() + ms
  fake.now = () => new Date(at)
}

const inDays = (days: number) => new Date(fake.now().getTime() + days * 86_400_000).toISOString()

describe('auth (C/H utils/hono_middleware.ts)', () => {
  it.each(['classic', 'current'] as const)(
    '%s: the capgkey header works (C :435-446, H :374-385)',
    async (generation) => {
      setup(generation)
      expect((await call('GET', '/apikey')).status).toBe(200)
    },
  )

  it('a UUID in authorization is an API key, and replaces capgkey (H :378-382)', async () => {
    setup('current')
    expect((await call('GET', '/apikey', { key: null, headers: { authorization: fake.managingKey.key } })).status).toBe(
      200,
    )
    expectError(await call('GET', '/apikey', { headers: { authorization: UNKNOWN_UUID } }), 401, 'invalid_apikey')
  })

  it.each(['classic', 'current'] as const)(
    '%s: a non-UUID authorization is a JWT that wins over capgkey and fails invalid_jwt (utils/hono.ts simpleError)',
    async (generation) => {
      setup(generation)
      expectError(await call('GET', '/apikey', { headers: { authorization: 'Bearer something' } }), 401, 'invalid_jwt')
    },
  )

  it('x-api-key is read when capgkey is absent (H :376)', async () => {
    setup('current')
    expect((await call('GET', '/apikey', { key: null, headers: { 'x-api-key': fake.managingKey.key } })).status).toBe(
      200,
    )
  })

  it('no credential: 401 no_jwt_apikey_or_subkey (H :540-545)', async () => {
    setup('current')
    expectError(await call('GET', '/apikey', { key: null }), 401, 'no_jwt_apikey_or_subkey')
  })

  it.each(['classic', 'current'] as const)(
    '%s: an unknown key is 401 invalid_apikey, in the {error, message, moreInfo} shape (utils/on_error.ts)',
    async (generation) => {
      setup(generation)
      const answer = await call('GET', '/apikey', { key: UNKNOWN_UUID })
      expect(answer).toEqual({
        status: 401,
        body: { error: 'invalid_apikey', message: 'Invalid apikey', moreInfo: {} },
      })
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: an expired key fails like an unknown one; expiring exactly now still works (C supabase.ts:1512, H :1745)',
    async (generation) => {
      setup(generation)
      advance(0) // a frozen clock: the steps below are exact to the millisecond
      const expiring = fake.addKey({ name: 'short', mode: 'all', role: 'apikey_manager', expires_at: inDays(1) })
      advance(86_400_000)
      expect(fake.isAlive(expiring.key)).toBe(true)
      expect((await call('GET', '/apikey', { key: expiring.key })).status).toBe(200)
      advance(1)
      expect(fake.isAlive(expiring.key)).toBe(false)
      expectError(await call('GET', '/apikey', { key: expiring.key }), 401, 'invalid_apikey')
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: a legacy non-UUID managing key works in capgkey, and is a failed JWT in authorization',
    async (generation) => {
      setup(generation, { managingKey: { key: 'legacy_key.0123456789abcdef' } })
      expect((await call('GET', '/apikey')).status).toBe(200)
      expectError(
        await call('GET', '/apikey', { key: null, headers: { authorization: fake.managingKey.key } }),
        401,
        'invalid_jwt',
      )
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: a hashed managing key authenticates (find_apikey_by_value)',
    async (generation) => {
      setup(generation, { managingKey: { hashed: true } })
      expect((await call('GET', '/apikey')).status).toBe(200)
    },
  )

  it('classic: a key of another mode than all is refused by middlewareV2([all]) as invalid_apikey (C supabase.ts:1506)', async () => {
    setup('classic')
    const upload = fake.addKey({ name: 'uploader', mode: 'upload' })
    expectError(await call('GET', '/apikey', { key: upload.key }), 401, 'invalid_apikey')
    const rbac = fake.addKey({ name: 'rbac-managed', mode: null })
    expect((await call('GET', '/apikey', { key: rbac.key })).status).toBe(200)
  })
})

describe('who may manage keys', () => {
  it('classic: a limited all key may not list (401), create (400), update or delete (401) (C get.ts:21-25, post.ts:117-121, put.ts:35-39, delete.ts:21-25)', async () => {
    setup('classic')
    const limited = fake.addKey({ name: 'limited', mode: 'all', limited_to_orgs: [FAKE_ORG_ID] })
    const target = fake.addKey({ name: 'target' })
    expectError(await call('GET', '/apikey', { key: limited.key }), 401, 'cannot_list_apikeys')
    expectError(
      await call('POST', '/apikey', { key: limited.key, body: { name: 'x', mode: 'upload' } }),
      400,
      'cannot_create_apikey',
    )
    expectError(
      await call('PUT', `/apikey/${target.id}`, { key: limited.key, body: { regenerate: true } }),
      401,
      'cannot_update_apikey',
    )
    expectError(await call('DELETE', `/apikey/${target.id}`, { key: limited.key }), 401, 'cannot_delete_apikey')
  })

  it('classic: an RBAC-managed key (mode null) passes auth but may not create (C post.ts:119)', async () => {
    setup('classic', { managingKey: { mode: null } })
    expectError(await call('POST', '/apikey', { body: { name: 'x', mode: 'upload' } }), 400, 'cannot_create_apikey')
  })

  it('current: a key whose role lacks org.manage_apikeys is refused everything (H scope.ts:195-210)', async () => {
    setup('current', { managingKey: { role: 'app_uploader' } })
    const target = fake.addKey({ name: 'target' })
    expectError(await call('GET', '/apikey'), 401, 'cannot_list_apikeys')
    expectError(await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } }), 401, 'cannot_update_apikey')
    expectError(await call('DELETE', `/apikey/${target.id}`), 401, 'cannot_delete_apikey')
  })

  it('current: an org_admin key manages keys too (H baseline.sql:27473-27481)', async () => {
    setup('current', { managingKey: { role: 'org_admin' } })
    const target = fake.addKey({ name: 'target' })
    expect((await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })).status).toBe(200)
  })

  it('current: any API key gets 400 cannot_create_apikey, before the body is read (H post.ts:72-76)', async () => {
    setup('current')
    expectError(await call('POST', '/apikey', { raw: 'not json' }), 400, 'cannot_create_apikey')
    expect(fake.keys.size).toBe(1)
  })

  it.each(['classic', 'current'] as const)(
    "%s: another user's keys are never listed (C get.ts:33, H get.ts:62)",
    async (generation) => {
      setup(generation)
      const foreign = fake.addForeignKey({ name: 'theirs' })
      const ids = (await call('GET', '/apikey')).body.map((row: { id: number }) => row.id)
      expect(ids).toContain(fake.managingKey.id)
      expect(ids).not.toContain(foreign.id)
    },
  )

  it('current: keys bound in an org the manager does not manage, or not bound at all, are left out (H scope.ts:236-259)', async () => {
    setup('current')
    const mine = fake.addKey({ name: 'mine' })
    const elsewhere = fake.addKey({ name: 'elsewhere', org_ids: [OTHER_ORG] })
    const straddling = fake.addKey({ name: 'straddling', org_ids: [FAKE_ORG_ID, OTHER_ORG] })
    const unbound = fake.addKey({ name: 'unbound', org_ids: [] })
    const ids = (await call('GET', '/apikey')).body.map((row: { id: number }) => row.id)
    expect(ids).toEqual([fake.managingKey.id, mine.id])
    expect(ids).not.toContain(elsewhere.id)
    expect(ids).not.toContain(straddling.id)
    expect(ids).not.toContain(unbound.id)
  })
})

describe('rows', () => {
  it('classic: a bare array of every column; key null and key_hash = sha256 when hashed (C get.ts:30-39)', async () => {
    setup('classic')
    const hashed = fake.addKey({ name: 'hashed', hashed: true, expires_at: '2030-01-01T00:00:00+00:00' })
    const { status, body } = await call('GET', '/apikey/')
    expect(status).toBe(200)
    expect(Array.isArray(body)).toBe(true)
    const row = body.find((r: { id: number }) => r.id === hashed.id)
    expect(row).toEqual({
      id: hashed.id,
      created_at: hashed.created_at,
      user_id: hashed.user_id,
      key: null,
      mode: 'upload',
      updated_at: hashed.updated_at,
      name: 'hashed',
      limited_to_orgs: [],
      limited_to_apps: [],
      key_hash: sha256Hex(hashed.key),
      expires_at: '2030-01-01T00:00:00+00:00',
      rbac_id: hashed.rbac_id,
    })
    const manager = body.find((r: { id: number }) => r.id === fake.managingKey.id)
    expect(manager).toMatchObject({ key: fake.managingKey.key, key_hash: null, mode: 'all' })
  })

  it('current: exactly the columns H get.ts selects, is_hashed_key and global_permissions; no key, key_hash or mode (H get.ts:16-24)', async () => {
    setup('current')
    const admin = fake.addKey({ name: 'admin', hashed: true, role: 'org_admin', global_permissions: ['org.create'] })
    const { body } = await call('GET', '/apikey')
    const row = body.find((r: { id: number }) => r.id === admin.id)
    expect(row).toEqual({
      created_at: admin.created_at,
      expires_at: null,
      id: admin.id,
      name: 'admin',
      rbac_id: admin.rbac_id,
      updated_at: admin.updated_at,
      user_id: admin.user_id,
      is_hashed_key: true,
      global_permissions: ['org.create'],
    })
  })

  it('documented: the list is wrapped in {"data": [...]}', async () => {
    setup('documented')
    const { body } = await call('GET', '/apikey')
    expect(body.data.map((r: FakeKey) => r.key)).toEqual([fake.managingKey.key])
  })

  it('a list stops at max_rows = 1000 (supabase/config.toml:18)', async () => {
    setup('classic')
    for (let i = 0; i < 1004; i++) fake.addKey({ name: `k${i}` })
    expect((await call('GET', '/apikey')).body).toHaveLength(1000)
  })

  it('timestamps look like PostgREST timestamptz', () => {
    expect(pgTimestamp(new Date('2026-07-24T10:11:12.000Z'))).toBe('2026-07-24T10:11:12+00:00')
    expect(pgTimestamp(new Date('2026-07-24T10:11:20.120Z'))).toBe('2026-07-24T10:11:20.12+00:00')
  })
})

describe('create (classic)', () => {
  it('200 with the bare row and the plaintext in key (C post.ts:311-332)', async () => {
    setup('classic')
    const { status, body } = await call('POST', '/apikey', {
      body: { name: 'ci', mode: 'upload', limited_to_apps: [FAKE_APP_ID] },
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({
      name: 'ci',
      mode: 'upload',
      key_hash: null,
      limited_to_apps: [FAKE_APP_ID],
      limited_to_orgs: [],
      expires_at: null,
    })
    expect(body.created_at).toBe(body.updated_at)
    expect(fake.isAlive(body.key)).toBe(true)
    expect(fake.keys.get(body.id)!.key).toBe(body.key)
  })

  it('hashed: true stores only the hash; the plaintext is shown once (C post.ts:298-310)', async () => {
    setup('classic')
    const { body } = await call('POST', '/apikey', { body: { name: 'ci', mode: 'upload', hashed: true } })
    expect(body.key_hash).toBe(sha256Hex(body.key))
    const listed = (await call('GET', '/apikey')).body.find((r: { id: number }) => r.id === body.id)
    expect(listed).toMatchObject({ key: null, key_hash: sha256Hex(body.key) })
    expect(fake.isAlive(body.key)).toBe(true)
  })

  it('name, mode and mode values are checked (C post.ts:148-160)', async () => {
    setup('classic')
    expectError(await call('POST', '/apikey', { body: { name: 'x', mode: 'admin' } }), 400, 'invalid_mode')
    expectError(await call('POST', '/apikey', { body: { name: 'x' } }), 400, 'mode_is_required')
    expectError(await call('POST', '/apikey', { body: { mode: 'all' } }), 400, 'name_is_required')
    expectError(await call('POST', '/apikey', { raw: '{' }), 400, 'invalid_json_parse_body')
  })

  it('an unknown app is 400 failed_to_resolve_apikey_policy_scope; a non-UUID org a 400 from the insert (C supabase.ts:1630-1632, post.ts:311-329)', async () => {
    setup('classic')
    const unknownApp = await call('POST', '/apikey', {
      body: { name: 'x', mode: 'upload', limited_to_apps: ['com.nope'] },
    })
    expectError(unknownApp, 400, 'failed_to_resolve_apikey_policy_scope')
    expect(unknownApp.body.moreInfo).toEqual({ unresolvedAppIds: ['com.nope'] })
    expectError(
      await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', limited_to_orgs: ['acme'] } }),
      400,
      'failed_to_create_apikey',
    )
    expect(
      (await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', limited_to_orgs: [OTHER_ORG] } })).status,
    ).toBe(200)
  })

  it('documented: {"apikey": row} on create, {"error": text, "status": "KO"} on errors', async () => {
    setup('documented')
    const created = await call('POST', '/apikey', { body: { name: 'ci', mode: 'upload' } })
    expect(created.body.apikey).toMatchObject({ name: 'ci', mode: 'upload' })
    expect(fake.isAlive(created.body.apikey.key)).toBe(true)
    const refused = await call('POST', '/apikey', { body: { name: 'ci', mode: 'admin' } })
    expect(refused).toEqual({ status: 400, body: { error: 'Invalid mode', status: 'KO' } })
  })
})

describe('regenerate: PUT /apikey/:id {regenerate: true}', () => {
  it.each(['classic', 'current'] as const)(
    '%s: a new plaintext in top-level key, same id, old value dead, expiry kept, updated_at bumped (C put.ts:164-191, H put.ts:420-448, handle_updated_at trigger)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({
        name: 'ci',
        expires_at: '2030-01-01T00:00:00+00:00',
        created_at: '2026-01-01T00:00:00+00:00',
      })
      const before = target.key
      advance(60_000)
      const { status, body } = await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })
      expect(status).toBe(200)
      expect(body.id).toBe(target.id)
      expect(body.key).not.toBe(before)
      expect(fake.isAlive(body.key)).toBe(true)
      expect(fake.isAlive(before)).toBe(false)
      expect(body.expires_at).toBe('2030-01-01T00:00:00+00:00')
      expect(body.created_at).toBe('2026-01-01T00:00:00+00:00')
      expect(body.updated_at).toBe(pgTimestamp(fake.now()))
      expect(fake.allKeyValues()).toContain(body.key)
    },
  )

  it('classic: the answer is the full row; a hashed key stays hashed (regenerate_hashed_apikey, 20260206120000_apikey_server_generation.sql:166-199)', async () => {
    setup('classic')
    const target = fake.addKey({ name: 'ci', hashed: true })
    const { body } = await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })
    expect(Object.keys(body).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'key',
      'key_hash',
      'limited_to_apps',
      'limited_to_orgs',
      'mode',
      'name',
      'rbac_id',
      'updated_at',
      'user_id',
    ])
    expect(body.key_hash).toBe(sha256Hex(body.key))
    expect((await call('GET', '/apikey')).body.find((r: { id: number }) => r.id === target.id).key).toBeNull()
  })

  it('current: the answer is the table row plus is_hashed_key; hashed state kept (H put.ts:420-448)', async () => {
    setup('current')
    const target = fake.addKey({ name: 'ci', hashed: true })
    const { body } = await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })
    expect(Object.keys(body).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'is_hashed_key',
      'key',
      'key_hash',
      'name',
      'rbac_id',
      'updated_at',
      'user_id',
    ])
    expect(body).toMatchObject({ is_hashed_key: true, key_hash: sha256Hex(body.key) })
  })

  it.each(['classic', 'current'] as const)(
    '%s: expires_at and name sent with it are applied (C put.ts:149-162, H put.ts:405-418)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci' })
      const expiry = inDays(30)
      const { body } = await call('PUT', `/apikey/${target.id}/`, {
        body: { regenerate: true, expires_at: expiry, name: 'renamed' },
      })
      expect(body).toMatchObject({ name: 'renamed', expires_at: pgTimestamp(new Date(expiry)) })
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: regenerating an expired key without expires_at yields a dead key',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci', expires_at: inDays(1) })
      advance(2 * 86_400_000)
      const { status, body } = await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })
      expect(status).toBe(200)
      expect(fake.isAlive(body.key)).toBe(false)
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: a rename alone bumps updated_at too (moddatetime on every UPDATE)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci', created_at: '2026-01-01T00:00:00+00:00' })
      advance(5_000)
      const { body } = await call('PUT', `/apikey/${target.id}`, { body: { name: 'other' } })
      expect(body.updated_at).toBe(pgTimestamp(fake.now()))
      // C answers every column (a plain key's value included), H the public columns only.
      if (generation === 'classic') expect(body.key).toBe(target.key)
      else expect(body).not.toHaveProperty('key')
      expect(fake.isAlive(target.key)).toBe(true)
    },
  )

  it.each(['classic', 'current'] as const)(
    '%s: PUT /apikey with the id in the body (C put.ts:196, H put.ts:464)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci' })
      expect((await call('PUT', '/apikey', { body: { id: target.id, regenerate: true } })).status).toBe(200)
      expectError(await call('PUT', '/apikey', { body: { regenerate: true } }), 400, 'api_key_id_required')
    },
  )

  it('classic: a key may regenerate itself (no self check in C put.ts)', async () => {
    setup('classic')
    const before = fake.managingKey.key
    const { status, body } = await call('PUT', `/apikey/${fake.managingKey.id}`, { body: { regenerate: true } })
    expect(status).toBe(200)
    expect(fake.isAlive(before)).toBe(false)
    expect(body.key).toBe(fake.managingKey.key)
  })

  it('classic: unknown or foreign id is 404 api_key_not_found_or_access_denied (C put.ts:108-129)', async () => {
    setup('classic')
    const foreign = fake.addForeignKey()
    expectError(
      await call('PUT', '/apikey/999', { body: { regenerate: true } }),
      404,
      'api_key_not_found_or_access_denied',
    )
    expectError(
      await call('PUT', `/apikey/${foreign.id}`, { body: { regenerate: true } }),
      404,
      'api_key_not_found_or_access_denied',
    )
    expectError(await call('PUT', '/apikey/abc', { body: { regenerate: true } }), 400, 'invalid_id_format')
    expectError(await call('PUT', '/apikey/1', { body: {} }), 400, 'no_valid_fields_provided_for_update')
  })

  it('current: itself 401, unknown or foreign 404, unmanaged or unbound 401, no rbac_id 409 (H put.ts:333-354)', async () => {
    setup('current')
    const foreign = fake.addForeignKey()
    const elsewhere = fake.addKey({ name: 'elsewhere', org_ids: [OTHER_ORG] })
    const unbound = fake.addKey({ name: 'unbound', org_ids: [] })
    const legacy = fake.addKey({ name: 'legacy', rbac_id: null })
    const self = await call('PUT', `/apikey/${fake.managingKey.id}`, { body: { regenerate: true } })
    expectError(self, 401, 'cannot_update_apikey')
    expect(self.body.message).toBe('API keys cannot update themselves')
    expectError(
      await call('PUT', '/apikey/999', { body: { regenerate: true } }),
      404,
      'api_key_not_found_or_access_denied',
    )
    expectError(
      await call('PUT', `/apikey/${foreign.id}`, { body: { regenerate: true } }),
      404,
      'api_key_not_found_or_access_denied',
    )
    expectError(
      await call('PUT', `/apikey/${elsewhere.id}`, { body: { regenerate: true } }),
      401,
      'cannot_update_apikey',
    )
    expectError(await call('PUT', `/apikey/${unbound.id}`, { body: { regenerate: true } }), 401, 'cannot_update_apikey')
    expectError(
      await call('PUT', `/apikey/${legacy.id}`, { body: { regenerate: true } }),
      409,
      'apikey_missing_rbac_bindings',
    )
    expectError(
      await call('PUT', `/apikey/${elsewhere.id}`, { body: { global_permissions: [] } }),
      401,
      'cannot_update_apikey',
    )
  })

  it('current: a legacy plain key value may name the key (H scope.ts:27-32, 272-274)', async () => {
    setup('current')
    const target = fake.addKey({ name: 'legacy value', key: 'legacy-value-0123' })
    expect((await call('PUT', '/apikey/legacy-value-0123', { body: { regenerate: true } })).body.id).toBe(target.id)
  })
})

describe('delete', () => {
  it.each(['classic', 'current'] as const)(
    '%s: 200 {"status":"ok"}; missing or foreign is 404 api_key_not_found (C delete.ts:40-55, H delete.ts:24-39)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci' })
      const foreign = fake.addForeignKey()
      expect(await call('DELETE', `/apikey/${target.id}`)).toEqual({ status: 200, body: { status: 'ok' } })
      expect(fake.keys.has(target.id)).toBe(false)
      expectError(await call('DELETE', `/apikey/${target.id}`), 404, 'api_key_not_found')
      expectError(await call('DELETE', `/apikey/${foreign.id}/`), 404, 'api_key_not_found')
      expect(fake.keys.has(foreign.id)).toBe(true)
    },
  )

  it('classic: a key may delete itself; a UUID id never finds a key (C delete.ts:40)', async () => {
    setup('classic')
    const other = fake.addKey({ name: 'other', mode: 'all' })
    expectError(await call('DELETE', `/apikey/${other.key}`), 404, 'api_key_not_found')
    expect((await call('DELETE', `/apikey/${fake.managingKey.id}`)).status).toBe(200)
    expect(fake.isAlive(fake.managingKey.key)).toBe(false)
  })

  it('current: itself or an unmanaged key is 401 cannot_delete_apikey (H delete.ts:28-31)', async () => {
    setup('current')
    const elsewhere = fake.addKey({ name: 'elsewhere', org_ids: [OTHER_ORG] })
    expectError(await call('DELETE', `/apikey/${fake.managingKey.id}`), 401, 'cannot_delete_apikey')
    expectError(await call('DELETE', `/apikey/${elsewhere.id}`), 401, 'cannot_delete_apikey')
    expect(fake.keys.size).toBe(2)
  })

  it('documented: {"success": true}', async () => {
    setup('documented')
    const target = fake.addKey({ name: 'ci' })
    expect((await call('DELETE', `/apikey/${target.id}`)).body).toEqual({ success: true })
  })
})

describe('expiry and org policy', () => {
  it.each(['classic', 'current'] as const)(
    '%s: a past or unparsable expires_at is 400 invalid_expiration_date (C supabase.ts:1565-1576, H :1796-1807)',
    async (generation) => {
      setup(generation)
      const target = fake.addKey({ name: 'ci' })
      const past = new Date(fake.now().getTime() - 1000).toISOString()
      expectError(
        await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: past } }),
        400,
        'invalid_expiration_date',
      )
      expectError(
        await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: 'soon' } }),
        400,
        'invalid_expiration_date',
      )
      expect(fake.keys.get(target.id)!.key).toBe(target.key)
    },
  )

  it('classic create: a limited key is checked by the handler (400 expiration_required / _exceeds_max), an unlimited one by the trigger (400 failed_to_create_apikey) (C post.ts:185-190, 20260507090436_...sql:159-223)', async () => {
    setup('classic')
    fake.orgPolicy = { requireExpiry: true, maxDays: 30 }
    expectError(
      await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', limited_to_orgs: [FAKE_ORG_ID] } }),
      400,
      'expiration_required',
    )
    expectError(
      await call('POST', '/apikey', {
        body: { name: 'x', mode: 'upload', limited_to_apps: [FAKE_APP_ID], expires_at: inDays(31) },
      }),
      400,
      'expiration_exceeds_max',
    )
    const unlimited = await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', hashed: true } })
    expectError(unlimited, 400, 'failed_to_create_apikey')
    expect(unlimited.body.moreInfo.supabaseError).toMatchObject({ code: 'P0001', message: 'expiration_required' })
    expect(
      (await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', expires_at: inDays(29) } })).status,
    ).toBe(200)
    expect(
      (await call('POST', '/apikey', { body: { name: 'x', mode: 'upload', limited_to_orgs: [OTHER_ORG] } })).status,
    ).toBe(200)
  })

  it('classic update: regenerate alone is never checked; a new expiry of an unlimited key beyond the max fails in the trigger with a 500 (C put.ts:134-162)', async () => {
    setup('classic')
    const target = fake.addKey({ name: 'ci' })
    fake.orgPolicy = { requireExpiry: true, maxDays: 30 }
    expect((await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })).status).toBe(200)
    expectError(
      await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: inDays(60) } }),
      500,
      'failed_to_update_apikey',
    )
    expect((await call('PUT', `/apikey/${target.id}`, { body: { expires_at: inDays(20) } })).status).toBe(200)
  })

  it("current update: expires_at is checked against the policies of the key's binding orgs; regenerate alone is not (H put.ts:356-362)", async () => {
    setup('current')
    const target = fake.addKey({ name: 'ci' })
    fake.orgPolicy = { requireExpiry: true, maxDays: 30 }
    expect((await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true } })).status).toBe(200)
    expectError(
      await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: null } }),
      400,
      'expiration_required',
    )
    expectError(
      await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: inDays(31) } }),
      400,
      'expiration_exceeds_max',
    )
    expect(
      (await call('PUT', `/apikey/${target.id}`, { body: { regenerate: true, expires_at: inDays(30) } })).status,
    ).toBe(200)
  })

  it('org_requires_expiring_key is only answered by org-scoped endpoints, never by /apikey (C supabase.ts:1683-1710)', async () => {
    setup('classic')
    fake.orgPolicy = { requireExpiry: true }
    expect(fake.orgEndpointRefusal(fake.managingKey.key)).toBe('org_requires_expiring_key')
    expect((await call('GET', '/apikey')).status).toBe(200)
    const expiring = fake.addKey({ name: 'expiring', expires_at: inDays(5) })
    expect(fake.orgEndpointRefusal(expiring.key)).toBeNull()
  })
})

describe('routing (C/H index.ts)', () => {
  it.each(['classic', 'current'] as const)(
    "%s: /apikey, /apikey/, /apikey/:id and /apikey/:id/ match; others are Hono's text 404",
    async (generation) => {
      setup(generation)
      const a = fake.addKey({ name: 'a' })
      const b = fake.addKey({ name: 'b' })
      expect((await call('GET', '/apikey')).status).toBe(200)
      expect((await call('GET', '/apikey/')).status).toBe(200)
      expect((await call('GET', `/apikey/${a.id}`)).body.id).toBe(a.id)
      expect((await call('DELETE', `/apikey/${a.id}`)).status).toBe(200)
      expect((await call('DELETE', `/apikey/${b.id}/`)).status).toBe(200)
      expect(await call('DELETE', '/apikey')).toEqual({ status: 404, body: '404 Not Found' })
      expect((await call('GET', '/apikey/1/extra')).status).toBe(404)
      expect((await call('PATCH', '/apikey/1', { body: {} })).status).toBe(404)
    },
  )
})
