import { describe, expect, it } from 'vitest'
import type { Reply } from '../support/fake-http.js'
import { pgTimestamp } from '../support/fake-capgo.js'
import type { Sandbox } from '../sandbox/sandbox.js'
import { run, sandbox, useLoopback } from './harness.js'

useLoopback()

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const DAY = 86_400_000

type Handle = (method: string, path: string, headers: unknown, body: unknown) => Reply

function liveSecret(box: Sandbox): string[] {
  const stored = box.github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  if (!stored) return []
  const value = box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  return box.capgo.isAlive(value) ? [] : [`CAPGO_TOKEN holds a dead key (${value.slice(0, 8)}…)`]
}

describe('GitHub clocks that disagree', () => {
  // A write whose answer is lost is settled by comparing the secret's updated_at with the Date of
  // GitHub's answers. GitHub's API front ends and the store that stamps updated_at are different
  // machines: when the store's clock is behind, a write that landed looks "unchanged since before".
  it.each([5, 30, 120])(
    'lost write, updated_at stamped %i s behind the Date headers: the secret must not end on a deleted key',
    async (seconds) => {
      const box = await sandbox('classic')
      try {
        const previous = box.capgo.addKey({ name: NAME })
        box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
        box.github.age(2)
        const fake = box.github as unknown as { handle: Handle }
        const original = fake.handle.bind(box.github)
        fake.handle = (m, p, h, b) => {
          if (m !== 'PUT' || !p.endsWith('/actions/secrets/CAPGO_TOKEN')) return original(m, p, h, b)
          box.github.clockSkewMs -= seconds * 1000
          try {
            return original(m, p, h, b)
          } finally {
            box.github.clockSkewMs += seconds * 1000
          }
        }
        box.github.fault('PUT', /\/actions\/secrets\/CAPGO_TOKEN$/, 'reset', { every: true, afterHandling: true })
        const result = await run(box, { strategy: 'create' })
        console.log(seconds, result.exitCode, result.error)
        expect(liveSecret(box)).toEqual([])
      } finally {
        await box.close()
      }
    },
  )
})

describe('Capgo clock ahead of the runner (or the runner behind)', () => {
  // The key expires in 12 h by Capgo's clock, which is what counts; the runner's clock says 3.5 days.
  it('current: regenerating a key that expires before the next run, without expires-in-days', async () => {
    const box = await sandbox('current')
    try {
      const skew = 3 * DAY
      box.capgo.now = () => new Date(Date.now() + skew)
      const fake = box.capgo as unknown as { handle: Handle }
      const original = fake.handle.bind(box.capgo)
      // Capgo's own Date header follows its clock.
      fake.handle = (m, p, h, b) => {
        const [status, body, headers] = original(m, p, h, b)
        return [status, body, { ...headers, date: box.capgo.now().toUTCString() }]
      }
      box.github.clockSkewMs = skew
      const target = box.capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() + skew + DAY / 2)) })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', target.key)
      const result = await run(box)
      console.log(result.exitCode, result.error)
      // Either refused in preflight (the contract's rule) or it sent a new expiry.
      if (result.exitCode === 0)
        expect(new Date(box.capgo.keys.get(target.id)!.expires_at!).getTime()).toBeGreaterThan(
          box.capgo.now().getTime() + DAY,
        )
    } finally {
      await box.close()
    }
  })

  it('current: the key already expired by Capgo clock, alive by the runner', async () => {
    const box = await sandbox('current')
    try {
      const skew = 3 * DAY
      box.capgo.now = () => new Date(Date.now() + skew)
      const fake = box.capgo as unknown as { handle: Handle }
      const original = fake.handle.bind(box.capgo)
      fake.handle = (m, p, h, b) => {
        const [status, body, headers] = original(m, p, h, b)
        return [status, body, { ...headers, date: box.capgo.now().toUTCString() }]
      }
      box.github.clockSkewMs = skew
      const target = box.capgo.addKey({ name: NAME, expires_at: pgTimestamp(new Date(Date.now() + 2 * DAY)) })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', target.key)
      const result = await run(box)
      console.log(result.exitCode, result.error)
      if (result.exitCode === 0) expect(liveSecret(box)).toEqual([])
    } finally {
      await box.close()
    }
  })
})
