import nock from 'nock'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { forgetSecrets } from '../src/secrets.js'
import { deferred, gated } from './support/hunt-gates.js'
import { checkConverged, checkLeaks, holdings } from './support/hunt-invariants.js'
import { plainScenario, type Scenario } from './support/hunt-scenario.js'
import {
  buildWorld,
  captureStdout,
  runRotation,
  TOKEN,
  VARIABLE,
  WORKFLOW_REPO,
  type RunRecord,
  type World,
} from './support/hunt-world.js'

// What the hunt (test/hunt.test.ts, npm run hunt) found, each replayed as one plain, deterministic
// case: the faults it needs, and for overlapping runs the order of their steps, fixed by gates
// instead of random latencies. Each asserts the invariant of docs/contract.md that broke.

let world: World | undefined

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1')
})

afterAll(() => {
  nock.disableNetConnect()
})

afterEach(async () => {
  await world?.close()
  world = undefined
})

async function start(overrides: Partial<Scenario>): Promise<World> {
  forgetSecrets()
  world = (await captureStdout(() => buildWorld(plainScenario(overrides)))).value
  return world
}

/** Runs quietly (@actions/core prints mask commands and Octokit's warnings). */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  return (await captureStdout(body)).value
}

/**
 * The overlap findings were found before the lease. Each runs both ways: under the lease (the
 * second run fails having changed nothing) and unguarded (a token that may not write the lease's
 * variable), where the other guards must hold the invariant alone.
 */
const GUARDS = [
  { guard: 'under the lease', leaseWritable: true },
  { guard: 'unguarded', leaseWritable: false },
] as const

const liveIdsOf = (w: World) => holdings(w).map((h) => h.liveId)
/** What a clean re-run leaves unconverged (test/support/hunt-invariants.ts), as the hunt checks it. */
async function rerunProblems(w: World): Promise<string[]> {
  w.capgo.clearFaults()
  w.github.clearFaults()
  const { value: rerun, stdout } = await captureStdout(() => runRotation(w, 're-run'))
  return checkConverged(w, rerun, stdout)
}

/** A run that claims success has every target on its new key. */
function expectSuccessMeansWritten(w: World, run: RunRecord): void {
  if (run.failure === undefined) expect(liveIdsOf(w)).toEqual(w.targets.map(() => run.report?.newKey?.id))
}
const named = (w: World) => w.capgo.named(w.settings.keyName).map((k) => k.id)

describe('finding 1: a write that lands but whose answer is lost', () => {
  it('keeps the new key the target may hold (classic, create)', async () => {
    const w = await start({})
    // Every attempt of the write is carried out, and every answer is a 502.
    w.github.fault('PUT', /\/secrets\/CAPGO_TOKEN$/, [502, { message: 'Bad gateway' }], {
      every: true,
      afterHandling: true,
    })
    const run = await quietly(() => runRotation(w, 'run'))

    // The secret holds the new key: it must still be alive.
    expect(liveIdsOf(w)).not.toContain(undefined)
    expectSuccessMeansWritten(w, run)
  })

  it('keeps it also when the answer never comes (a hang past every retry)', async () => {
    const w = await start({})
    w.github.fault('PUT', /\/secrets\/CAPGO_TOKEN$/, 'hang', { every: true, afterHandling: true })
    const run = await quietly(() => runRotation(w, 'run'))

    expect(liveIdsOf(w)).not.toContain(undefined)
    // The write is read back (src/write-verification.ts): a run that claims success proved it landed.
    expectSuccessMeansWritten(w, run)
  })
})

describe('finding 2: overlapping create runs (classic)', () => {
  it.each(GUARDS)(
    "a run that listed the other's new key deletes it while the other writes it ($guard)",
    async ({ leaseWritable }) => {
      const w = await start({ leaseWritable })
      // A creates its key, then waits; B lists (A's key among the earlier ones), creates, writes,
      // and deletes every earlier key, A's included; then A writes its now deleted key.
      const aIssued = deferred()
      const bDone = deferred()
      const a = quietly(() =>
        runRotation(w, 'A', { wrap: gated({ afterIssue: aIssued.resolve, beforeWrite: () => bDone.promise }) }),
      )
      await aIssued.promise
      const _b = await quietly(() => runRotation(w, 'B'))
      bDone.resolve()
      await a

      // Overlapping runs never leave a secret holding a dead key (docs/contract.md); unguarded, the
      // README's security notes allow it, and the re-run must heal it.
      if (leaseWritable) expect(liveIdsOf(w)).not.toContain(undefined)
      expect(await rerunProblems(w)).toEqual([])
    },
  )
})

describe('finding 3: overlapping regenerate runs (current)', () => {
  it.each(GUARDS)(
    "the slower run's write puts back a value the other run's regenerate killed ($guard)",
    async ({ leaseWritable }) => {
      const w = await start({ leaseWritable, generation: 'current', strategy: 'explicit' })
      // Both regenerate the same key; B's regenerate replaces A's value before A writes it.
      const aIssued = deferred()
      const bDone = deferred()
      const a = quietly(() =>
        runRotation(w, 'A', { wrap: gated({ afterIssue: aIssued.resolve, beforeWrite: () => bDone.promise }) }),
      )
      await aIssued.promise
      const b = await quietly(() => runRotation(w, 'B'))
      bDone.resolve()
      const aRun = await a

      // A dead value is excused only when a run failed saying so (the regenerate's inherent window).
      const saidDead = [aRun, b].some((run) => /no longer works/.test(run.failure ?? ''))
      if (leaseWritable && !saidDead) expect(liveIdsOf(w)).not.toContain(undefined)
      expect(await rerunProblems(w)).toEqual([])
    },
  )
})

describe('finding 4: the sweep after an unconfirmed create (classic)', () => {
  it.each(GUARDS)(
    'deletes the key an overlapping run created and wrote, taking it for its own ($guard)',
    async ({ leaseWritable }) => {
      const w = await start({ leaseWritable })
      // A's create gets a 500 (not carried out), so A lists again to sweep up a key it may have
      // made. Before that list, B runs from start to end: its new key is one A's first list lacked.
      w.capgo.fault('POST', /^\/apikey\/?$/, [500, { error: 'internal_error', message: 'Internal error' }], { nth: 1 })
      const aSweeps = deferred()
      const bDone = deferred()
      let lists = 0
      const a = quietly(() =>
        runRotation(w, 'A', {
          wrap: gated({
            beforeList: async () => {
              if (++lists < 2) return
              aSweeps.resolve()
              await bDone.promise
            },
          }),
        }),
      )
      await aSweeps.promise
      await quietly(() => runRotation(w, 'B'))
      bDone.resolve()
      await a

      // Overlapping runs never leave a secret holding a dead key (docs/contract.md); unguarded, the
      // README's security notes allow it, and the re-run must heal it.
      if (leaseWritable) expect(liveIdsOf(w)).not.toContain(undefined)
      expect(await rerunProblems(w)).toEqual([])
    },
  )
})

describe('finding 8: a lease taken only after another run finished, on a preflight list read before (classic)', () => {
  // The hunt (seed 2125629545): the preflight's list and the lease go out at once, and taking the
  // lease took a timeout and a retry. Meanwhile another run took the lease, created its key, wrote
  // every target and released it. This run's create then failed unconfirmed, and its sweep took
  // the other run's key (absent from its list) for its own stray and deleted it: under the lease.
  it("the sweep leaves the other run's key, which the secrets hold", async () => {
    const w = await start({ leaseWritable: true })
    // A's create is the first; B's, the second, fails without being carried out.
    w.capgo.fault('POST', /^\/apikey\/?$/, [500, { error: 'internal_error', message: 'Internal error' }], { nth: 2 })
    const bListed = deferred()
    const aDone = deferred()
    const b = quietly(() =>
      runRotation(w, 'B', {
        wrap: (deps) => {
          const lease = deps.lease!
          const late = {
            name: lease.name,
            get held() {
              return lease.held
            },
            acquire: async () => {
              await aDone.promise
              return lease.acquire()
            },
            release: () => lease.release(),
          }
          return { ...gated({ afterList: bListed.resolve })(deps), lease: late }
        },
      }),
    )
    await bListed.promise
    const a = await quietly(() => runRotation(w, 'A'))
    aDone.resolve()
    const rb = await b

    expect(a.failure).toBeUndefined()
    expect(rb.failure).toContain('the secrets are not proven unchanged since')
    expect(liveIdsOf(w)).not.toContain(undefined)
    expect(await rerunProblems(w)).toEqual([])
  })
})

describe('finding 5: with rotate-after-days, a run that is not due leaves the rotation unconverged', () => {
  it('retires the earlier key a failed delete left alive, once every target holds the newest key', async () => {
    const w = await start({ rotateAfterDays: true })
    w.capgo.fault('DELETE', /^\/apikey\/\d+$/, [503, { error: 'unavailable', message: 'Unavailable' }], { every: true })
    const first = await quietly(() => runRotation(w, 'first'))
    expect(first.failure).toMatch(/deleting previous key\(s\) failed/)
    expect(named(w)).toHaveLength(2)

    w.capgo.clearFaults()
    await quietly(() => runRotation(w, 're-run'))
    // Leftovers are retired even when no rotation is due (docs/contract.md).
    expect(named(w)).toHaveLength(1)
  })

  it.each(GUARDS)(
    'brings targets that overlapping runs left on two different keys back to one ($guard)',
    async ({ leaseWritable }) => {
      const w = await start({
        leaseWritable,
        rotateAfterDays: true,
        keyIdVariable: true,
        targets: { repos: 1, environment: false, types: ['actions'], organization: true, orgVisibility: 'private' },
      })
      // Both list before either creates, so neither deletes the other's key. A writes the
      // repository first, B then writes both targets, and A writes the organization last.
      const aListed = deferred()
      const bListed = deferred()
      const aWroteRepo = deferred()
      const bDone = deferred()
      const a = quietly(() =>
        runRotation(w, 'A', {
          wrap: gated({
            afterList: aListed.resolve,
            beforeIssue: () => bListed.promise,
            beforeWrite: (ref) => (ref.kind === 'organization' ? bDone.promise : Promise.resolve()),
            afterWrite: (ref) => (ref.kind === 'repository' ? aWroteRepo.resolve() : undefined),
          }),
        }),
      )
      await aListed.promise
      const b = quietly(() =>
        runRotation(w, 'B', { wrap: gated({ afterList: bListed.resolve, beforeIssue: () => aWroteRepo.promise }) }),
      )
      await b
      bDone.resolve()
      await a
      // Unguarded, both succeed, and the repository holds B's key, the organization A's; under the
      // lease, B fails having changed nothing.

      const rerun = await quietly(() => runRotation(w, 're-run'))
      expect(rerun.failure).toBeUndefined()
      // A re-run converges: every target on one live key, one key named key-name, the variable on it.
      const ids = new Set(liveIdsOf(w))
      expect(ids.size).toBe(1)
      expect(named(w)).toHaveLength(1)
      expect(w.github.variable(WORKFLOW_REPO, VARIABLE)).toBe(String([...ids][0]))
    },
  )
})

describe('finding 7: after unguarded overlapping runs, a not-due run retires a key a secret holds', () => {
  it("retires nothing without the lease: the secrets' timestamps prove nothing then", async () => {
    const w = await start({
      leaseWritable: false,
      rotateAfterDays: true,
      targets: { repos: 1, environment: false, types: ['actions'], organization: true, orgVisibility: 'private' },
    })
    // As in finding 5: A and B both list first; A writes the repository, B writes both, A writes
    // the organization last with its own (older) key, after B's key was issued.
    const aListed = deferred()
    const bListed = deferred()
    const aWroteRepo = deferred()
    const bDone = deferred()
    const a = quietly(() =>
      runRotation(w, 'A', {
        wrap: gated({
          afterList: aListed.resolve,
          beforeIssue: () => bListed.promise,
          beforeWrite: (ref) => (ref.kind === 'organization' ? bDone.promise : Promise.resolve()),
          afterWrite: (ref) => (ref.kind === 'repository' ? aWroteRepo.resolve() : undefined),
        }),
      }),
    )
    await aListed.promise
    await quietly(() =>
      runRotation(w, 'B', { wrap: gated({ afterList: bListed.resolve, beforeIssue: () => aWroteRepo.promise }) }),
    )
    bDone.resolve()
    await a
    const held = new Set(liveIdsOf(w))
    expect(held).not.toContain(undefined)

    // Every secret was updated after B's key was issued, yet the organization holds A's.
    const rerun = await quietly(() => runRotation(w, 're-run'))
    expect(rerun.failure).toBeUndefined()
    expect(liveIdsOf(w)).not.toContain(undefined)
    expect(named(w)).toEqual(expect.arrayContaining([...held]))
  })
})

describe('finding 6: a server error message that quotes a credential', () => {
  // Server text is hostile (docs/contract.md): an error body may quote what the request carried.
  // The ::error:: text and the summary are redacted; these log lines are not.
  it('does not reach the log through a Capgo retry notice', async () => {
    const w = await start({})
    const message = `internal error serving ${w.managingValue}`
    w.capgo.fault('GET', /^\/apikey\/?$/, [500, { error: 'internal_error', message }], { nth: 1 })
    const { value: run, stdout } = await captureStdout(() => runRotation(w, 'run'))

    expect(run.failure).toBeUndefined()
    expect(checkLeaks(w, [run], stdout)).toEqual([])
  })

  it("does not reach the log through a failed target's warning", async () => {
    const w = await start({
      targets: { repos: 2, environment: false, types: ['actions'], organization: false, orgVisibility: 'private' },
    })
    w.github.fault(
      'PUT',
      /\/repos\/octo\/web\/actions\/secrets\/CAPGO_TOKEN$/,
      [400, { message: `bad request from ${TOKEN}` }],
      {
        every: true,
      },
    )
    const { value: run, stdout } = await captureStdout(() => runRotation(w, 'run'))

    expect(run.failure).toMatch(/Only 1 of 2 targets were written/)
    expect(checkLeaks(w, [run], stdout)).toEqual([])
  })
})
