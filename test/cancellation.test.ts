import { describe, expect, it } from 'vitest'
import { cleanUp, onCancel } from '../src/cancellation.js'

// The runner kills a cancelled step 7.5 s after its SIGINT: the cleanup must end before that,
// whatever a cleanup does. The whole path (signal → lease given back → a re-run converges) runs on
// the bundle in test/review2/cancel.test.ts.

describe('cleanUp on cancel', () => {
  it('runs every registered cleanup at once, and none that was removed', async () => {
    const ran: string[] = []
    const removeA = onCancel(async () => {
      ran.push('a')
    })
    const removeB = onCancel(async () => {
      ran.push('b')
    })
    const removeC = onCancel(async () => {
      ran.push('c')
    })
    removeB()
    await cleanUp(1000)
    expect(ran.sort()).toEqual(['a', 'c'])
    removeA()
    removeC()
  })

  it('ends within its budget when a cleanup hangs, and a failing cleanup stops no other', async () => {
    const ran: string[] = []
    const removals = [
      onCancel(() => new Promise(() => undefined)),
      onCancel(async () => {
        throw new Error('GitHub said no')
      }),
      onCancel(async () => {
        ran.push('released')
      }),
    ]
    const started = Date.now()
    await cleanUp(200)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(ran).toEqual(['released'])
    for (const remove of removals) remove()
  })
})
