import { settleAll } from './concurrency.js'
import type { PreparedTarget } from './github-secret-store.js'
import { describeTarget } from './targets.js'
import { withdrawKey, type Withdrawal } from './issue-key.js'
import type { Issued, RotationDeps, TargetOutcome } from './rotation-types.js'
import { targetOutcome } from './rotation-report.js'
import { settleWrites, type SettledTarget } from './write-verification.js'

// Step 5 of docs/contract.md: where the new key is sealed and written to every target
// (PreparedTarget.write seals it: github-secret-store.ts, sealing.ts). A write whose answer was lost is
// read back (write-verification.ts) before anything is decided. And the rollback of a created key
// that provably reached no target: no orphan key.

export interface TargetWrites {
  /** When the writes began. */
  readonly rotatedAt: string
  readonly outcomes: TargetOutcome[]
  readonly settled: readonly SettledTarget[]
  /** How many targets provably hold the new key. */
  readonly written: number
  /**
   * every: all targets hold the new key. none: every target provably does not (the key may be
   * withdrawn). some: anything between, an unknown outcome included.
   */
  readonly reach: 'every' | 'some' | 'none'
}

export async function writeTargets(
  targets: readonly PreparedTarget[],
  issued: Issued,
  deps: RotationDeps,
  concurrency: number,
  now: () => Date,
): Promise<TargetWrites> {
  const { log } = deps
  const rotatedAt = now().toISOString()
  const writes = await settleAll(targets, concurrency, (target) => target.write(issued.key.key))
  const settled = await settleWrites(targets, writes, concurrency, log)
  const outcomes = settled.map(({ target, state, result, error }): TargetOutcome => {
    if (state === 'written') {
      log.info(`${describeTarget(target.ref)}: ${result}.`)
      return targetOutcome(target, result!, issued.key.id)
    }
    log.warning(error!)
    // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
    return {
      ...targetOutcome(target, 'failed', undefined),
      error,
      mayHoldKeyId: state === 'unknown' ? issued.key.id : undefined,
    }
  })
  const written = settled.filter((s) => s.state === 'written').length
  // The created key is deleted again only when every target is proven not to hold it.
  const reach = settled.every((s) => s.state === 'not-written') ? 'none' : written < targets.length ? 'some' : 'every'
  return { rotatedAt, outcomes, settled, written, reach }
}

/** No target holds the new key: a created key is deleted again (the previous key untouched). */
export async function rollBack(issued: Issued, deps: RotationDeps): Promise<Withdrawal> {
  const withdrawal = await withdrawKey(issued, deps.capgo)
  if (withdrawal.kind === 'deleted')
    deps.log.info(`Rolled back: deleted the new key ${issued.key.id}, which reached no target.`)
  return withdrawal
}
