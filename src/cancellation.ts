import { errorMessage } from './error-message.js'
import { type ActionLogger, createLogger } from './logger.js'

// How the process ends when run() does not return. A cancelled workflow (or timeout-minutes, or
// cancel-in-progress) makes the runner send the step SIGINT, then SIGTERM 7.5 s later, then kill
// it; an error nothing caught (a bug) crashes Node. Node's defaults exit at once, which would leave
// this run's lease behind and turn every re-run away for the lease's hour, and a crash prints a
// stack trace whose text no redaction saw. So the entry point (index.ts) catches both, runs what
// the run registered here (giving the lease back) within a budget that ends before the runner's
// kill, and exits failed through the one safe path to the log. Whatever the run had issued is
// found again by the re-run, as after a lost answer.

/** Inside the runner's 7.5 s between SIGINT and SIGTERM, with room to exit. */
export const CANCEL_BUDGET_MS = 5000

/** The share of the budget kept for the cleanups registered `last` (the lease: ~1 s wait, then a read and a delete). */
export const LAST_RESERVE_MS = 2500

type Cleanup = () => Promise<unknown>

const cleanups = new Map<Cleanup, { readonly last: boolean }>()

/**
 * Registers what to undo if the run is cancelled; returns its removal. `last`: after every other
 * cleanup (what the others may still need, the lease), with LAST_RESERVE_MS kept for it.
 */
export function onCancel(cleanup: Cleanup, options: { readonly last?: boolean } = {}): () => void {
  cleanups.set(cleanup, { last: options.last ?? false })
  return () => cleanups.delete(cleanup)
}

/** Runs every registered cleanup within `budgetMs`: the others at once, then the `last` ones. */
export async function cleanUp(budgetMs = CANCEL_BUDGET_MS): Promise<void> {
  const deadline = Date.now() + budgetMs
  const of = (last: boolean) => [...cleanups].filter(([, options]) => options.last === last).map(([cleanup]) => cleanup)
  await within(of(false), Math.max(budgetMs - LAST_RESERVE_MS, budgetMs / 2))
  await within(of(true), Math.max(0, deadline - Date.now()))
}

async function within(batch: readonly Cleanup[], ms: number): Promise<void> {
  if (batch.length === 0) return
  // Each in a promise of its own: one that throws at once stops no other.
  const all = Promise.allSettled(batch.map((cleanup) => Promise.resolve().then(cleanup)))
  let timer: NodeJS.Timeout | undefined
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  await Promise.race([all, budget])
  clearTimeout(timer)
}

/** For the entry point only: a run loaded by a test or another script keeps Node's handlers. */
export function exitCleanlyOnCancelOrCrash(log: Pick<ActionLogger, 'setFailed'> = createLogger()): void {
  let stopping = false
  const stop = (why: string) => {
    // The runner's SIGTERM after SIGINT (or a second error) must not cut the cleanup short.
    if (stopping) return
    stopping = true
    log.setFailed(why)
    cleanUp().finally(() => process.exit(1))
  }
  const onSignal = (signal: NodeJS.Signals) =>
    stop(`The run was cancelled (${signal}): giving back what it holds and stopping. Run again to finish the rotation.`)
  const onCrash = (error: unknown) =>
    stop(
      `The action stopped on an unexpected error (please report it): ${errorMessage(error)} ` +
        'Run again: a re-run finds every key of this rotation again and finishes it.',
    )
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
}
