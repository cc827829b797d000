import type { IssuedKey } from './capgo-client.js'
import { CLOCK_SKEW_WORTH_NAMING_MS } from './expiry.js'
import type { SettledTarget } from './write-verification.js'
import { describeIncompleteWrite } from './write-verification.js'
import type { PreviousKeys } from './previous-keys.js'
import type { RegeneratedAgain } from './regenerate-check.js'
import type { Retirement } from './retire-keys.js'
import type { Withdrawal } from './issue-key.js'
import type { Sweep } from './sweep.js'
import type { Issued } from './rotation-types.js'
import type { VariableOutcome } from './remember-key-id.js'

// The rotation's outcome and failure sentences, in one place: the steps return facts (what they
// did, what failed), and these functions word them. Tests and users read these words: change
// them here, and only on purpose. Progress lines ("Deleted previous key 4.") stay in the steps.

// Preflight

export function preflightFailed(problems: readonly string[]): string {
  return problems.length === 1
    ? `${problems[0]} Nothing was changed.`
    : `Preflight found ${problems.length} problems; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`
}

export function variableNotAnId(variable: string | undefined, value: string): string {
  return `Variable ${variable} holds '${value.slice(0, 40)}', not a Capgo key id: set it to the id of the key the secrets hold, or delete it.`
}

export function writeCheckLeftBehind(message: string): string {
  return `${message}; delete it by hand.`
}

export function regenerateKeepsDeadExpiry(
  key: { id: number; expiresAt: string | undefined },
  problem: 'expired' | 'too-soon',
): string {
  const when =
    problem === 'expired'
      ? `expired at ${key.expiresAt}`
      : `expires at ${key.expiresAt}, before a next run could replace it`
  return (
    `Capgo key ${key.id} ${when}, and a regenerate keeps its expiry, so the secrets would hold a dead key: ` +
    'set expires-in-days (1 to 365) to give the regenerated key a new expiry.'
  )
}

export function excessRightsWarning(id: number, name: string, rights: string): string {
  return (
    `Capgo key ${id} ('${name}') has ${rights}: the secrets will hold a key with those rights. ` +
    'If the secret is meant for uploads, give the key only an upload role in Capgo (or rotate a key that has one).'
  )
}

// rotate-after-days

export function dueAnyway(rotateAfterDays: number | undefined, reason: string): string {
  return `Rotating although every target secret was updated less than ${rotateAfterDays} days ago: ${reason}.`
}

export function notDuePlan(rotateAfterDays: number, nextDueAt: string): string {
  return `every target was updated less than ${rotateAfterDays} days ago: nothing to do until ${nextDueAt}`
}

export function notDue(rotateAfterDays: number, nextDueAt: string): string {
  return `Not rotating: every target secret was updated less than ${rotateAfterDays} days ago. Next rotation due ${nextDueAt}.`
}

export function noLeftoversRetired(reason: string): string {
  return `No leftovers retired: ${reason}.`
}

export function leftoversNeedLease(ids: readonly number[]): string {
  return (
    `Earlier key(s) ${ids.join(', ')} left alive by an earlier run are not retired: without the lease, ` +
    "the secrets' last updates do not prove which key they hold. The next due rotation retires them."
  )
}

export function leftoversPlan(newestId: number, ids: readonly number[]): string {
  return `every target holds key ${newestId}: delete earlier key(s) ${ids.join(', ')} left alive by an earlier run`
}

export function leftoversNotRetired(newestId: number, failure: string): string {
  return `Every target holds key ${newestId}, but ${failure}`
}

// Issuing the key

export function nothingChanged(message: string): string {
  return `${message} Nothing was changed.`
}

export function regenerateOutcomeUnknown(message: string, id: number): string {
  return (
    `${message} Whether key ${id} was regenerated is unknown: if it was, the secrets hold a value ` +
    `that no longer works. Run again: a re-run regenerates it and writes every target.`
  )
}

export const CREATE_REFUSED_REGENERATING =
  'Capgo refused to create a key (cannot_create_apikey: API keys cannot create keys on current Capgo); regenerating instead.'

export function createRefused(keyName: string): string {
  return (
    `Capgo refused to create a key (400 cannot_create_apikey): on current Capgo an API key cannot create other keys. ` +
    `Use \`strategy: regenerate\` (or \`auto\`) with a key named '${keyName}' or previous-key-id. Nothing was changed.`
  )
}

/** A create whose answer was lost, and what the sweep for its key found. */
export function lostCreate(message: string, keyName: string, sweep: Sweep): string {
  return `${message} ${sweepResult(keyName, sweep)}`
}

function sweepResult(keyName: string, sweep: Sweep): string {
  switch (sweep.kind) {
    case 'none':
      return 'No key was created; nothing was changed.'
    case 'unguarded':
      return (
        `Key(s) ${sweep.ids.join(', ')} named '${keyName}' appeared after this run's preflight: this run's, or an ` +
        `overlapping run's. Without the lease this run cannot tell, so it deletes none; the next run retires what no secret holds. No secret was changed.`
      )
    case 'written-since':
      return (
        `Key(s) ${sweep.ids.join(', ')} named '${keyName}' appeared after this run's preflight, and the secrets are not proven ` +
        `unchanged since (${sweep.reason}): an overlapping run may have finished in between and written them, so this run deletes ` +
        `none; the next run retires what no secret holds. No secret was changed.`
      )
    case 'deleted':
      return `The create went through after all; key(s) ${sweep.ids.join(', ')} were deleted again. Nothing else was changed.`
    case 'unknown':
      return (
        `Whether Capgo created a key is unknown (${sweep.error}). If it did, it is named '${keyName}' ` +
        `and the next run deletes it; no secret was changed.`
      )
  }
}

export function expiryNotConfirmed(id: number): string {
  return `Capgo did not confirm an expiry for key ${id}; this Capgo may not support expires_at.`
}

/** expires-in-days cannot give a key that lives by both clocks: refused before any key is issued. */
export function clocksTooFarApart(expiresInDays: number, expiresAt: string, clockSkewMs: number): string {
  return (
    `expires-in-days: ${expiresInDays} would give the key expires_at ${expiresAt}, counted from the earlier of the runner's clock and ` +
    `Capgo's (the Date of its answers), and that is already too soon by the later one: Capgo's clock is ${clockSkew(clockSkewMs)} ` +
    "the runner's. Check the clock of the server at capgo-api-url, or of a proxy in front of it."
  )
}

/** Capgo answered with a key that is dead or dies before the next run: it was never written. */
export function deadOnArrival(
  issued: Issued,
  problem: 'expired' | 'too-soon',
  withdrawal: Withdrawal,
  clockSkewMs = 0,
): string {
  const when = problem === 'expired' ? 'already expired' : 'expires before a next run could replace it'
  const cause =
    Math.abs(clockSkewMs) > CLOCK_SKEW_WORTH_NAMING_MS
      ? `Capgo's clock (the Date of its answers) is ${clockSkew(clockSkewMs)} the runner's, and a key is judged by the later of the two: check the clock of the server at capgo-api-url, or of a proxy in front of it.`
      : 'Set expires-in-days.'
  const head = `Capgo answered with key ${issued.key.id}, which ${when} (expires_at ${issued.key.expiresAt}): it was not written to any target. ${cause}`
  switch (withdrawal.kind) {
    case 'regenerated':
      return `${head} The key was regenerated, so the value the targets hold no longer works: run again with expires-in-days set.`
    case 'deleted':
      return `${head} The new key was deleted again; the previous key is untouched.`
    case 'delete-failed':
      return `${head} Deleting it again failed too (${withdrawal.error}); the next run deletes it. The previous key is untouched.`
  }
}

// Writing the targets

/** No target holds the new key; `causes` are the targets' errors. */
export function noTargetWritten(
  key: IssuedKey,
  withdrawal: Withdrawal,
  causes: readonly (string | undefined)[],
): string {
  const why = causes.join('\n')
  switch (withdrawal.kind) {
    case 'regenerated':
      return (
        `Capgo key ${key.id} was regenerated, so the value the targets hold no longer works, and no target could be written. ` +
        `Fix the cause and run again: a re-run regenerates the key and writes it.\n${why}`
      )
    case 'deleted':
      return `No target could be written, so the new key ${key.id} was deleted again; the previous key is untouched.\n${why}`
    case 'delete-failed':
      return (
        `No target could be written, and deleting the new key ${key.id} again failed too (${withdrawal.error}): ` +
        `delete it in Capgo, or run again (a run deletes every earlier key named '${key.name}'). The previous key is untouched.\n${why}`
      )
  }
}

/** Some targets hold the new key, some may not: who holds what (write-verification.ts words it). */
export function incompleteWrite(issued: Issued, settled: readonly SettledTarget[], previous: PreviousKeys): string {
  return describeIncompleteWrite(issued.strategy, issued.key, settled, previous)
}

// After every target holds the new key

/** What went wrong after every target was written, or undefined when nothing did. */
export function afterEveryTarget(
  keyId: number,
  results: {
    readonly variable: VariableOutcome | undefined
    readonly retirement: Retirement | undefined
    readonly regeneratedAgain: RegeneratedAgain | undefined
  },
  keyName: string,
): string | undefined {
  const failures = [
    results.variable?.result === 'failed'
      ? variableNotWritten(results.variable.error, results.variable.value)
      : undefined,
    results.retirement ? retirementFailure(results.retirement, keyName) : undefined,
    results.regeneratedAgain ? regeneratedAgain(results.regeneratedAgain) : undefined,
  ].filter((f): f is string => f !== undefined)
  if (failures.length === 0) return undefined
  return `Every target holds the new key ${keyId}, but:\n  - ${failures.join('\n  - ')}`
}

export function variableNotWritten(error: string, value: string): string {
  return `${error} It should hold ${value}, the id of the key every target now holds.`
}

/** What keeps earlier keys alive that should have died, or undefined when none does. */
export function retirementFailure(retirement: Retirement, keyName: string): string | undefined {
  if (retirement.unsafe) return `${retirement.unsafe.reason} (ids ${retirement.unsafe.ids.join(', ')}).`
  if (retirement.failed.length === 0) return undefined
  return (
    `deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key ` +
    `named '${keyName}'), or delete them in Capgo:\n    - ${retirement.failed.map((f) => `key ${f.id}: ${f.error}`).join('\n    - ')}`
  )
}

export function previousKeyNotFound(id: number): string {
  return `Previous key ${id} was not found: it is already gone, or not visible to the managing key (another user's key).`
}

export function previousKeyDeleteRefused(id: number, status: number, code: string | undefined): string {
  return (
    `Capgo refused to delete previous key ${id} (${status}${code ? ` ${code}` : ''}); it stays alive. ` +
    'It is the managing key itself, or a key capgo-api-key may not manage: delete it in Capgo if it should go.'
  )
}

export function regeneratedAgain(found: RegeneratedAgain): string {
  const what =
    found.kind === 'regenerated-again'
      ? `was regenerated again at ${found.theirs}, after this run regenerated it at ${found.ours}`
      : "is no longer in Capgo's list (deleted?)"
  return (
    `key ${found.id} ${what}: another run or a person acted on it meanwhile, so the value this run wrote may no longer work. ` +
    `Run again (with a concurrency group, or once the other run is done): a re-run regenerates it and writes every target.`
  )
}

export function regenerateCheckFailed(id: number, error: string): string {
  return `Could not check that key ${id} was not regenerated again by another run (${error}).`
}

function clockSkew(ms: number): string {
  const hours = Math.abs(ms) / 3_600_000
  const amount = hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} hours`
  return `${amount} ${ms > 0 ? 'ahead of' : 'behind'}`
}
