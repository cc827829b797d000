import * as core from '@actions/core'

// A cancelled workflow (or timeout-minutes, or cancel-in-progress) makes the runner send the step
// SIGINT, then SIGTERM 7.5 s later, then kill it. Node's default is to exit at once, which would
// leave this run's lease behind and turn every re-run away for the lease's hour. So the entry
// point (index.ts) catches both signals, runs what the run registered here (giving the lease back),
// within a budget that ends before the runner's kill, and exits failed. Whatever the cancelled
// run had issued is found again by the re-run, as after a lost answer.

/** Inside the runner's 7.5 s between SIGINT and SIGTERM, with room to exit. */
export const CANCEL_BUDGET_MS = 5000

type Cleanup = () => Promise<unknown>

const cleanups = new Set<Cleanup>()

/** Registers what to undo if the run is cancelled; returns its removal. */
export function onCancel(cleanup: Cleanup): () => void {
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

/** Runs every registered cleanup, at once, for at most `budgetMs`. */
export async function cleanUp(budgetMs = CANCEL_BUDGET_MS): Promise<void> {
  const all = Promise.allSettled([...cleanups].map((cleanup) => cleanup()))
  let timer: NodeJS.Timeout | undefined
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, budgetMs)
  })
  await Promise.race([all, budget])
  clearTimeout(timer)
}

/** For the entry point only: a run loaded by a test or another script keeps Node's handlers. */
export function exitCleanlyOnCancel(): void {
  let cancelled = false
  const onSignal = (signal: NodeJS.Signals) => {
    // The runner's SIGTERM after SIGINT must not cut the cleanup short: it has its own budget.
    if (cancelled) return
    cancelled = true
    core.setFailed(`The run was cancelled (${signal}): giving back what it holds and stopping.`)
    cleanUp().finally(() => process.exit(1))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}
