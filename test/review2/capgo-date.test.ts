import { describe, expect, it } from 'vitest'
import { run, sandbox, useLoopback } from '../review/harness.js'
import { startProxy } from './proxy.js'

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
  // judged at the later (src/expiry.ts, expiryClock): here the key, dead by Capgo's Date, is
  // deleted again and the run fails saying why.
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
      // The key, dead by Capgo's Date, is deleted again; the secret keeps the previous, live key.
      expect(result.exitCode).toBe(1)
      expect(result.error).toContain("Capgo's clock (the Date of its answers) is")
      expect(result.error).toContain('The new key was deleted again; the previous key is untouched.')
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
