import { describe, expect, it } from 'vitest'
import { run, sandbox, useLoopback } from '../review/harness.js'
import type { Reply } from '../support/fake-http.js'
import { startProxy } from './proxy.js'

type Handle = (method: string, path: string, headers: unknown, body: unknown) => Reply

useLoopback()

// Expiry is judged by Capgo's clock, read from the Date of its answers (round 1, clocks). A Date
// from far in the future (a proxy or front end with a broken clock; Capgo's database, which stamps
// and checks expiry, keeps the right time) made expires-in-days: 30 send an expires_at 74 years
// away: the key never dies on its own, which is what expires-in-days is for (README, Security
// notes). A Date far in the past is refused by Capgo (invalid_expiration_date): that held.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const DAY = 86_400_000

describe('Capgo answers with a Date far in the future', () => {
  // Fixed: a new expires_at counts from the earlier of the runner's clock and Capgo's, and a key is
  // judged at the later (src/expiry.ts, expiryClock); when the two cannot both hold, the run is
  // refused in preflight (plannedExpiryProblem), before any key is issued.
  it('expires-in-days: 30 never yields a key that lives for decades', async () => {
    const box = await sandbox('classic')
    const proxy = await startProxy(box.capgo.baseUrl)
    try {
      const previous = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
      proxy.hook = async (_req, res, forward) => {
        const answer = await forward()
        res
          .writeHead(answer.status, { 'content-type': 'application/json', date: 'Fri, 01 Jan 2100 00:00:00 GMT' })
          .end(answer.body)
        return true
      }
      const result = await run(box, { 'capgo-api-url': proxy.url, 'expires-in-days': '30', strategy: 'create' })
      const tooLong = [...box.capgo.keys.values()].filter(
        (k) => k.expires_at !== null && Date.parse(k.expires_at) > Date.now() + 31 * DAY,
      )
      // Refused in preflight: no key issued; the secret keeps the previous, live key.
      expect(result.exitCode).toBe(1)
      expect(result.error).toContain('expires-in-days: 30 would give the key expires_at')
      expect(result.error).toMatch(/Capgo's clock is \d+ days ahead of the runner's/)
      expect(result.error).toContain('Nothing was changed.')
      expect(box.capgo.requests.filter((r) => r.method !== 'GET')).toEqual([])
      expect(box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(previous.key)
      expect(box.capgo.isAlive(previous.key)).toBe(true)
      expect(box.capgo.named(NAME)).toHaveLength(1)
      expect(tooLong.map((k) => `key ${k.id} expires ${k.expires_at}`)).toEqual([])
    } finally {
      await proxy.close()
      await box.close()
    }
  })
})

describe('Capgo a year behind the runner (its Date and its database alike)', () => {
  // expires-in-days counts from the earlier clock and a key is judged at the later: the two cannot
  // both hold here. Refused in preflight, before a regenerate would kill the value the secrets hold.
  it('regenerate with expires-in-days: 30 is refused before any change, the secret still works', async () => {
    const box = await sandbox('current')
    try {
      box.capgo.now = () => new Date(Date.now() - 365 * DAY)
      const fake = box.capgo as unknown as { handle: Handle }
      const original = fake.handle.bind(box.capgo)
      fake.handle = (m, p, h, b) => {
        const [status, body, headers] = original(m, p, h, b)
        return [status, body, { ...headers, date: box.capgo.now().toUTCString() }]
      }
      const target = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', target.key)
      const result = await run(box, { 'expires-in-days': '30' })

      expect(result.exitCode).toBe(1)
      expect(result.error).toContain('expires-in-days: 30 would give the key expires_at')
      expect(result.error).toContain("Capgo's clock is 365 days behind the runner's")
      expect(result.error).toContain('Nothing was changed.')
      expect(box.capgo.requests.filter((r) => r.method !== 'GET')).toEqual([])
      expect(box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(target.key)
      expect(box.capgo.isAlive(target.key)).toBe(true)
    } finally {
      await box.close()
    }
  })
})
