import type { IssuedKey } from './capgo-client.js'
import type { Settled } from './concurrency.js'
import { settleAll } from './concurrency.js'
import type { TimeWindow } from './github-clock.js'
import { WriteError, type ExistingSecret, type PreparedTarget, type WriteResult } from './github-secret-store.js'
import type { PreviousKeys } from './previous-keys.js'
import { errorMessage } from './error-message.js'
import { describeTarget } from './targets.js'

// A write whose outcome is unknown (a timeout, a reset, a 5xx after the request left) may have
// been applied: GitHub stored the secret and the answer was lost. Such a write is settled by
// reading the secret's metadata, and only then; until it is proven either way, the target may hold
// the new key or its previous value, so neither key may be deleted (docs/contract.md).

export type WriteCheck =
  | { readonly state: 'applied'; readonly result: WriteResult }
  | { readonly state: 'not-applied'; readonly reason: string }
  | { readonly state: 'unknown'; readonly reason: string }

/**
 * Judges a secret's metadata after a write whose answer was lost. The first proof is the secret as
 * preflight read it (`before`, from the same store, so no clock is involved): a secret that did not
 * exist and still does not, or whose updated_at has not moved since and was set well before the
 * write, was not written; one that appeared or moved since was (the lease keeps other writers out).
 * Only when that cannot tell (no preflight read, or a secret updated within a second of the write)
 * is updated_at compared with the time the write began, both in GitHub's clock (its Date header).
 * GitHub's timestamps have whole seconds: a change within the second the write began stays unknown.
 */
export function judgeWrite(
  secret: SecretTimes | null,
  start: TimeWindow | undefined,
  before?: ExistingSecret,
): WriteCheck {
  if (before !== undefined) {
    if (before === null) {
      return secret === null
        ? { state: 'not-applied', reason: 'the secret still does not exist' }
        : { state: 'applied', result: 'created' }
    }
    if (secret === null) return { state: 'unknown', reason: 'the secret is gone, which this run did not do' }
    const was = before.updatedAt ? Date.parse(before.updatedAt) : Number.NaN
    const now = secret.updatedAt ? Date.parse(secret.updatedAt) : Number.NaN
    if (!Number.isNaN(was) && !Number.isNaN(now)) {
      if (now !== was) return { state: 'applied', result: 'updated' }
      // Unchanged: a write that landed would have moved it, unless it fell in the same second.
      if (start === undefined || was + 1000 + CLOCK_TOLERANCE_MS <= start.earliest)
        return {
          state: 'not-applied',
          reason: `the secret is still as preflight read it (updated at ${secret.updatedAt})`,
        }
    }
  }
  if (secret === null) return { state: 'not-applied', reason: 'the secret does not exist' }
  const updated = secret.updatedAt ? Date.parse(secret.updatedAt) : Number.NaN
  if (Number.isNaN(updated)) return { state: 'unknown', reason: "GitHub's answer has no updated_at" }
  if (!start) return { state: 'unknown', reason: 'GitHub sent no Date header to compare its updated_at with' }
  if (updated >= start.latest) {
    const created = secret.createdAt ? Date.parse(secret.createdAt) : Number.NaN
    return { state: 'applied', result: created >= start.latest ? 'created' : 'updated' }
  }
  // The change happened before updated + 1 s, and the write began after start.earliest. The store's
  // timestamps and the Date header come from different machines: only a change well before the
  // write (by more than any plausible disagreement between them) proves the write did not land.
  if (updated + 1000 + CLOCK_TOLERANCE_MS <= start.earliest) {
    return {
      state: 'not-applied',
      reason: `the secret was last updated at ${secret.updatedAt}, well before the write began`,
    }
  }
  return {
    state: 'unknown',
    reason: `the secret was updated at ${secret.updatedAt}, too close to the write's start to tell`,
  }
}

/** How far GitHub's secret timestamps and its Date headers may disagree, for a proof of "not written". */
export const CLOCK_TOLERANCE_MS = 15 * 60 * 1000

interface SecretTimes {
  readonly createdAt: string | undefined
  readonly updatedAt: string | undefined
}

/**
 * What became of a write that threw (a WriteError): undefined when it surely was not applied
 * (GitHub refused it, or it never left); when its answer was lost, the secret read back and judged
 * (judgeWrite) against `before` (by default as preflight read it), a failed read leaving it unknown.
 */
export async function checkFailedWrite(
  target: PreparedTarget,
  error: unknown,
  before?: ExistingSecret,
): Promise<WriteCheck | undefined> {
  if (!(error instanceof WriteError) || !error.outcomeUnknown) return undefined
  try {
    return await target.verifyWrite(error.startedAt, before)
  } catch (readError) {
    return { state: 'unknown', reason: `reading it back failed too (${errorMessage(readError)})` }
  }
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
    const message = errorMessage(write.error)
    const check = await checkFailedWrite(target, write.error)
    if (!check) return { target, state: 'not-written', result: undefined, error: message }
    const where = describeTarget(target.ref)
    if (check.state === 'applied') {
      log.info(`${where}: the write's answer was lost, but the secret changed after it began: written.`)
      return { target, state: 'written', result: check.result, error: undefined }
    }
    if (check.state === 'not-applied')
      return {
        target,
        state: 'not-written',
        result: undefined,
        error: `${message} (verified not written: ${check.reason})`,
      }
    return {
      target,
      state: 'unknown',
      result: undefined,
      error: `${message} Whether it was written is unknown: ${check.reason}.`,
    }
  })
  return checks.map((c) =>
    c.ok
      ? c.value
      : { target: targets[checks.indexOf(c)]!, state: 'unknown', result: undefined, error: String(c.error) },
  )
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
    s.state === 'written'
      ? `${s.result}, holds new key ${key.id}`
      : s.state === 'unknown'
        ? `outcome unknown, holds new key ${key.id} or ${stale}`
        : `failed, holds ${stale}`
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
