import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { READ_CONCURRENCY, settle, settleAll, WRITE_CONCURRENCY } from '../src/concurrency.js'

// settleAll and settle (src/concurrency.ts): the bound on requests at once, results in the order of
// the items whatever order they finish in, and a failure captured without stopping the rest. The
// scheduler of fast-check decides in which order the work finishes.

interface Item {
  readonly index: number
  readonly value: number
  readonly fails: boolean
}

const items = fc
  .array(fc.record({ value: fc.integer(), fails: fc.boolean() }), { maxLength: 25 })
  .map((list) => list.map((item, index): Item => ({ ...item, index })))

describe('settleAll', () => {
  it('keeps the order of the items, runs at most `limit` at once, and fills the bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), items, fc.integer({ min: 1, max: 8 }), async (s, list, limit) => {
        let active = 0
        let peak = 0
        const started: number[] = []
        const errors = new Map<number, Error>()
        const settling = settleAll(list, limit, async (item) => {
          active++
          peak = Math.max(peak, active)
          started.push(item.index)
          try {
            await s.schedule(Promise.resolve(), `item ${item.index}`)
            if (item.fails) {
              const error = new Error(`item ${item.index} failed`)
              errors.set(item.index, error)
              throw error
            }
            return item.value * 2
          } finally {
            active--
          }
        })
        await s.waitFor(settling)
        const results = await settling

        expect(results).toHaveLength(list.length)
        results.forEach((result, i) => {
          const item = list[i]!
          if (item.fails) expect(result).toEqual({ ok: false, error: errors.get(item.index) })
          else expect(result).toEqual({ ok: true, value: item.value * 2 })
          // The very error thrown, not a copy.
          if (!result.ok) expect(result.error).toBe(errors.get(item.index))
        })
        expect(peak).toBeLessThanOrEqual(limit)
        expect(peak).toBe(Math.min(limit, list.length))
        // A failure stops nothing: every item ran, each once, in the order given.
        expect(started).toEqual(list.map((item) => item.index))
        expect(active).toBe(0)
      }),
    )
  })

  it('captures a synchronous throw and any rejection value, not only Errors', async () => {
    const results = await settleAll([1, 2, 3, 4], 2, (n) => {
      if (n === 1) throw new TypeError('sync')
      if (n === 2) return Promise.reject(undefined)
      if (n === 3) return Promise.reject('text')
      return Promise.resolve(n)
    })
    expect(results[0]).toMatchObject({ ok: false, error: expect.any(TypeError) })
    expect(results.slice(1)).toEqual([
      { ok: false, error: undefined },
      { ok: false, error: 'text' },
      { ok: true, value: 4 },
    ])
  })

  it('starts nothing for no items', async () => {
    let calls = 0
    expect(
      await settleAll([], 3, async () => {
        calls++
      }),
    ).toEqual([])
    expect(calls).toBe(0)
  })

  it('waits for the slowest, even when every other item failed at once', async () => {
    let release!: (value: string) => void
    const slow = new Promise<string>((resolve) => {
      release = resolve
    })
    let done = false
    const settling = settleAll(['slow', 'a', 'b'], 3, (name) =>
      name === 'slow' ? slow : Promise.reject(new Error(name)),
    ).then((results) => {
      done = true
      return results
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(done).toBe(false)
    release('finally')
    const results = await settling
    expect(results.map((r) => r.ok)).toEqual([true, false, false])
    expect(results[0]).toEqual({ ok: true, value: 'finally' })
  })

  it('bounds reads at 10 and writes at 5 (GitHub documents 80 content writes a minute)', () => {
    expect(READ_CONCURRENCY).toBe(10)
    expect(WRITE_CONCURRENCY).toBe(5)
  })
})

describe('settle', () => {
  it.each<[string, () => Promise<unknown>, unknown]>([
    ['a value', () => Promise.resolve(42), { ok: true, value: 42 }],
    ['undefined', () => Promise.resolve(undefined), { ok: true, value: undefined }],
    ['a rejection with undefined', () => Promise.reject(undefined), { ok: false, error: undefined }],
    ['a rejection with text', () => Promise.reject('no'), { ok: false, error: 'no' }],
  ])('settles %s', async (_, make, expected) => {
    await expect(settle(make())).resolves.toEqual(expected)
  })

  it('keeps the very error a promise rejected with', async () => {
    const error = new Error('boom')
    const result = await settle(Promise.reject(error))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error).toBe(error)
  })

  it('never rejects, whatever the promise does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.boolean(), async (value, fails) => {
        const result = await settle(fails ? Promise.reject(value) : Promise.resolve(value))
        expect(result).toEqual(fails ? { ok: false, error: value } : { ok: true, value })
      }),
    )
  })
})
