import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { cleanUp, onCancel } from '../src/cancellation.js'
import { createGitHubClient } from '../src/github-client.js'
import { ABANDON_WAIT_MS, GitHubLease } from '../src/lease.js'
import { FakeGitHub } from './support/fake-github.js'
import { serve } from './support/fake-http.js'

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

  it('runs the `last` cleanups (the lease) after the others, and still within the budget when one hangs', async () => {
    const order: string[] = []
    const removals = [
      onCancel(
        async () => {
          order.push('lease given back')
        },
        { last: true },
      ),
      onCancel(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        order.push('renewal swept')
      }),
    ]
    await cleanUp(1000)
    expect(order).toEqual(['renewal swept', 'lease given back'])
    order.length = 0
    const hang = onCancel(() => new Promise(() => undefined))
    const started = Date.now()
    await cleanUp(400)
    // The hung one had half the budget; the lease still went, and the whole took about the budget.
    expect(order).toEqual(['renewal swept', 'lease given back'])
    expect(Date.now() - started).toBeLessThan(2000)
    for (const remove of [...removals, hang]) remove()
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

describe('GitHubLease.abandon', () => {
  const TOKEN = 'github_pat_cancel'
  // A real server: a take whose answer hangs needs one (nock cannot hold an answer back).
  async function withGitHub(body: (github: FakeGitHub) => Promise<void>): Promise<void> {
    await FakeGitHub.ready()
    nock.enableNetConnect('127.0.0.1')
    const served = await serve(new FakeGitHub(TOKEN, 'http://127.0.0.1/api/v3'), '/api/v3')
    served.fake.addRepo('octo/app')
    try {
      await body(served.fake)
    } finally {
      await served.close()
      nock.disableNetConnect()
    }
  }
  function lease(github: FakeGitHub): GitHubLease {
    const octokit = createGitHubClient({ token: TOKEN, baseUrl: github.baseUrl, retryBaseMs: 1, timeoutMs: 20_000 })
    return new GitHubLease(octokit, { owner: 'octo', repo: 'app' }, 'k', '1/1', () => undefined)
  }
  const posts = (github: FakeGitHub) => github.requests.filter((r) => r.method === 'POST').length

  it('gives back a lease whose take landed but whose answer never came, well within the cancel budget', async () => {
    await withGitHub(async (github) => {
      github.fault('POST', /\/actions\/variables$/, 'hang', { afterHandling: true })
      const held = lease(github)
      const taking = held.acquire().catch((e: unknown) => e as Error)
      while (github.variableNames('octo/app').length === 0) await new Promise((r) => setTimeout(r, 5))
      const started = Date.now()
      await held.abandon()
      expect(Date.now() - started).toBeLessThan(ABANDON_WAIT_MS + 2000)
      expect(github.variableNames('octo/app')).toEqual([])
      expect(held.held).toBe(false)
      void taking
    })
  })

  it("leaves another run's lease alone, and a take after it never starts", async () => {
    await withGitHub(async (github) => {
      const other = lease(github)
      await other.acquire()
      const names = github.variableNames('octo/app')
      github.fault('POST', /\/actions\/variables$/, 'hang')
      const mine = lease(github)
      void mine.acquire().catch(() => undefined)
      while (posts(github) < 2) await new Promise((r) => setTimeout(r, 5))
      await mine.abandon()
      expect(github.variableNames('octo/app')).toEqual(names)
      const late = lease(github)
      await late.abandon()
      await expect(late.acquire()).rejects.toThrow(/cancelled/)
      expect(posts(github)).toBe(2)
    })
  })
})
