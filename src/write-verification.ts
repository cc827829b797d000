import type { IssuedKey } from './capgo-client.js'
import type { Settled } from './concurrency.js'
import { settleAll } from './concurrency.js'
import type { TimeWindow } from './github-clock.js'
import { describeTarget, WriteError, type PreparedTarget, type WriteResult } from './github-targets.js'
import type { PreviousKeys } from './previous-keys.js'

// A write whose outcome is unknown (a timeout, a reset, a 5xx after the request left) may have
// been applied: GitHub stored the secret and the answer was lost. Such a write is settled by
// reading the secret's metadata, and only then; until it is proven either way, the target may hold
// the new key or its previous value, so neither key may be deleted (docs/contract.md).

export type WriteCheck =
  | { readonly state: 'applied'; readonly result: WriteResult }
  | { readonly state: 'not-applied'; readonly reason: string }
  | { readonly state: 'unknown'; readonly reason: string }

/**
 * Judges a secret's metadata against the time the write began, both in GitHub's clock. GitHub's
 * timestamps have whole seconds: a change within the second the write began cannot be told apart
 * from one just before it, so it stays unknown.
 */
export function judgeWrite(secret: { readonly createdAt: string | undefined; readonly updatedAt: string | undefined } | null, start: TimeWindow | undefined): WriteCheck {
  if (secret === null) return { state: 'not-applied', reason: 'the secret does not exist' }
  const updated = secret.updatedAt ? Date.parse(secret.updatedAt) : Number.NaN
  if (Number.isNaN(updated)) return { state: 'unknown', reason: "GitHub's answer has no updated_at" }
  if (!start) return { state: 'unknown', reason: 'GitHub sent no Date header to compare its updated_at with' }
  if (updated >= start.latest) {
    const created = secret.createdAt ? Date.parse(secret.createdAt) : Number.NaN
    return { state: 'applied', result: created >= start.latest ? 'created' : 'updated' }
  }
  // The change happened before updated + 1 s, and the write began after start.earliest.
  if (updated + 1000 <= start.earliest) return { state: 'not-applied', reason: `the secret was last updated at ${secret.updatedAt}, before the write began` }
  return { state: 'unknown', reason: `the secret was updated at ${secret.updatedAt}, too close to the write's start to tell` }
}

export type TargetState = 'written' | 'not-written' | 'unknown'

export interface SettledTarget {
  readonly target: PreparedTarget
  readonly state: TargetState
  readonly result: WriteResult | undefined
  readonly error: string | undefined
}

/** Each write's outcome, proven: unknown outcomes are verified by a read (and only they are). */
export async function settleWrites(
  targets: readonly PreparedTarget[],
  writes: readonly Settled<WriteResult>[],
  concurrency: number,
  log: { info(message: string): void; warning(message: string): void },
): Promise<SettledTarget[]> {
  const checks = await settleAll(targets, concurrency, async (target): Promise<SettledTarget> => {
    const write = writes[targets.indexOf(target)]!
    if (write.ok) return { target, state: 'written', result: write.value, error: undefined }
    const error = write.error
    const message = error instanceof Error ? error.message : String(error)
    if (!(error instanceof WriteError) || !error.outcomeUnknown) return { target, state: 'not-written', result: undefined, error: message }
    let check: WriteCheck
    try {
      check = await target.verifyWrite(error.startedAt)
    } catch (readError) {
      check = { state: 'unknown', reason: `reading it back failed too (${readError instanceof Error ? readError.message : String(readError)})` }
    }
    const where = describeTarget(target.ref)
    if (check.state === 'applied') {
      log.info(`${where}: the write's answer was lost, but the secret changed after it began: written.`)
      return { target, state: 'written', result: check.result, error: undefined }
    }
    if (check.state === 'not-applied') return { target, state: 'not-written', result: undefined, error: `${message} (verified not written: ${check.reason})` }
    return { target, state: 'unknown', result: undefined, error: `${message} Whether it was written is unknown: ${check.reason}.` }
  })
  return checks.map((c) => (c.ok ? c.value : { target: targets[checks.indexOf(c)]!, state: 'unknown', result: undefined, error: String(c.error) }))
}

/** The failure of a run whose targets do not all hold the new key: who holds what, and what stays alive. */
export function describeIncompleteWrite(
  strategy: 'create' | 'regenerate',
  key: IssuedKey,
  settled: readonly SettledTarget[],
  previous: PreviousKeys,
): string {
  const oldIds = previous.replaced.map((k) => k.id)
  const stale =
    strategy === 'regenerate'
      ? `the old value of key ${key.id}, which no longer works`
      : oldIds.length > 0
        ? `its previous value (previous key ${oldIds.join(' or ')})`
        : 'its previous value'
  const holds = (s: SettledTarget) =>
    s.state === 'written' ? `${s.result}, holds new key ${key.id}` : s.state === 'unknown' ? `outcome unknown, holds new key ${key.id} or ${stale}` : `failed, holds ${stale}`
  const written = settled.filter((s) => s.state === 'written').length
  const unknown = settled.filter((s) => s.state === 'unknown').length
  const head =
    unknown > 0
      ? `${unknown} of ${settled.length} target(s) may or may not hold the new key: their writes' answers were lost and reading them back did not settle it.`
      : `Only ${written} of ${settled.length} targets were written.`
  const kept = strategy === 'create' ? ' Both the new and the previous keys were left alive.' : ''
  return (
    `${head}${kept} Fix the cause and run again to bring every target to one key.\n` +
    `${settled.map((s) => `  - ${describeTarget(s.target.ref)}: ${holds(s)}`).join('\n')}\n` +
    settled.flatMap((s) => (s.error ? [s.error] : [])).join('\n')
  )
}
