import type { KeyListing } from './capgo-client.js'
import { settle, settleAll } from './concurrency.js'
import { errorMessage } from './error-message.js'
import { type ExpiryClock, plannedExpiryProblem } from './expiry.js'
import { clocksTooFarApart, variableNotAnId, writeCheckLeftBehind } from './explain.js'
import { localNow } from './github-clock.js'
import { WRITE_CHECK_PREFIX, type PreparedTarget } from './github-secret-store.js'
import { targetsOf } from './targets.js'
import { checkRegenerable } from './issue-key.js'
import { PreflightError } from './preflight-error.js'
import {
  chooseKeyToRegenerate,
  findPreviousKeys,
  managingKeyProblems,
  type ExplicitId,
  type PreviousKeys,
  type RegenerateChoice,
} from './previous-keys.js'
import type { Logger, RotationDeps } from './rotation-types.js'
import type { Settings } from './settings.js'

// Step 2 of docs/contract.md: every read at once, then the guards on what they found. Any problem
// stops the run here, before anything changes (a PreflightError). Also the write check that
// precedes a regenerate (checkWriteAccess).

/** What preflight found, and what follows from it: the facts every later step works from. */
export interface Preflight {
  readonly listing: KeyListing
  readonly targets: readonly PreparedTarget[]
  /** The variable's value, undefined when it does not exist (or is not used). */
  readonly variableValue: string | undefined
  /** previous-key-id and the id key-id-variable remembers. */
  readonly explicit: readonly ExplicitId[]
  /** Which earlier keys a create replaces, keeps and retires (previous-keys.ts). */
  readonly previous: PreviousKeys
  /** Which key a regenerate would act on (previous-keys.ts). */
  readonly regenerateChoice: RegenerateChoice
  /** Current Capgo refuses creation by API keys, so `auto` regenerates there; classic, or a list that does not tell: `auto` creates. */
  readonly expectRegenerate: boolean
  /** Local time (github-clock.ts localNow) when the preflight began: what a lost create's sweep judges secrets against. */
  readonly startedAt: number
}

export async function preflight(
  settings: Settings,
  deps: RotationDeps,
  concurrency: number,
  clock: ExpiryClock,
): Promise<Preflight> {
  const { log } = deps
  const startedAt = localNow()
  const { listing, targets, variableValue } = await readEverything(settings, deps, concurrency)
  log.info(`Capgo answered as the ${listing.generation} generation, with ${listing.keys.length} key(s) visible.`)

  const explicit = explicitIds(settings, variableValue)
  const guard = [
    ...managingKeyProblems(settings.keyName, explicit, listing, settings.strategy),
    ...(deps.followUp?.check(listing) ?? []),
  ]
  if (guard.length > 0) throw new PreflightError(guard)
  const planned = plannedExpiryProblem(settings.expiresInDays, settings.rotateAfterDays, clock)
  if (planned) throw new PreflightError([clocksTooFarApart(settings.expiresInDays!, planned.expiresAt, clock.skewMs())])
  const previous = findPreviousKeys(settings.keyName, explicit, settings.keepPrevious, listing)
  for (const note of previous.notes) log.warning(note)
  const regenerateChoice = chooseKeyToRegenerate({
    keyName: settings.keyName,
    previousKeyId: settings.previousKeyId,
    rememberedId: explicit.find((e) => e.source === 'key-id-variable')?.id,
    keepPrevious: settings.keepPrevious,
    listing,
  })
  const expectRegenerate = expectsRegenerate(settings, listing)
  // Expected to regenerate: check now that it can. Else Capgo's answer to the create decides.
  if (expectRegenerate) checkRegenerable(regenerateChoice, settings, clock.judgeAt(), log)
  return { listing, targets, variableValue, explicit, previous, regenerateChoice, expectRegenerate, startedAt }
}

/** On current Capgo (known from the list) a create is refused anyway: `auto` goes straight to a regenerate. */
export function expectsRegenerate(settings: Pick<Settings, 'strategy'>, listing: KeyListing): boolean {
  return settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current')
}

async function readEverything(
  settings: Settings,
  deps: RotationDeps,
  concurrency: number,
): Promise<{ listing: KeyListing; targets: PreparedTarget[]; variableValue: string | undefined }> {
  const refs = targetsOf(settings)
  // Secret metadata is read only when something needs it: the age check, or the dry run's plan.
  // (A write whose answer is lost is read back then, and judged against it when it was read.)
  const readExisting = settings.dryRun || settings.rotateAfterDays !== undefined
  deps.log.info(
    `Preflight: listing Capgo keys, reading ${refs.length} target(s)${deps.variable ? ` and variable ${deps.variable.name}.` : '.'}`,
  )
  // The lease is taken alongside the reads: it costs no round trip of its own. A dry run changes nothing, so takes none.
  const [listing, targets, variable, lease, followUp] = await Promise.all([
    settle(deps.capgo.listKeys()),
    settleAll(refs, concurrency, (ref) => deps.store.prepare(ref, { readExisting })),
    settle(deps.variable ? deps.variable.read() : Promise.resolve(undefined)),
    settle(deps.lease && !settings.dryRun ? deps.lease.acquire() : Promise.resolve()),
    settle(deps.followUp ? deps.followUp.preflight() : Promise.resolve()),
  ])
  const problems: string[] = []
  for (const result of [lease, listing, ...targets, variable, followUp])
    if (!result.ok) problems.push(errorMessage(result.error))
  if (!listing.ok || !variable.ok || problems.length > 0) throw new PreflightError(problems)
  return {
    listing: listing.value,
    targets: targets.map((t) => (t as { ok: true; value: PreparedTarget }).value),
    variableValue: variable.value,
  }
}

/** previous-key-id first, then the id remembered in key-id-variable. */
export function explicitIds(
  settings: Pick<Settings, 'previousKeyId' | 'keyIdVariable'>,
  variableValue: string | undefined,
): ExplicitId[] {
  const ids: ExplicitId[] = []
  if (settings.previousKeyId !== undefined) ids.push({ id: settings.previousKeyId, source: 'previous-key-id' })
  if (variableValue !== undefined && variableValue.trim() !== '') {
    if (!/^\d+$/.test(variableValue.trim())) {
      throw new PreflightError([variableNotAnId(settings.keyIdVariable, variableValue)])
    }
    const id = Number(variableValue.trim())
    if (!ids.some((e) => e.id === id)) ids.push({ id, source: 'key-id-variable' })
  }
  return ids
}

/** The throwaway secrets of the write check; removing them never throws (a failure is a warning). */
export interface WriteCheck {
  remove(): Promise<void>
}

/**
 * Regenerating kills the old value at once, and there is no rollback: proves every target
 * writable first (the public-key read only proved read access). Throws a PreflightError otherwise.
 */
export async function checkWriteAccess(
  targets: readonly PreparedTarget[],
  log: Logger,
  concurrency: number,
): Promise<WriteCheck> {
  log.info(
    `Regenerating invalidates the old value at once, so first checking that every target can be written (a throwaway secret ${WRITE_CHECK_PREFIX}<random>, written and deleted).`,
  )
  const checks = await settleAll(targets, concurrency, (target) => target.checkWriteAccess())
  const removals = checks.flatMap((check) => (check.ok ? [check.value] : []))
  const remove = async () => {
    try {
      const results = await settleAll(removals, concurrency, (removal) => removal())
      const failed = results.flatMap((r) => (r.ok ? [] : [errorMessage(r.error)]))
      if (failed.length > 0) throw new Error(failed.join('\n'))
    } catch (error) {
      log.warning(writeCheckLeftBehind(errorMessage(error)))
    }
  }
  const problems = checks.flatMap((check) => (check.ok ? [] : [errorMessage(check.error)]))
  if (problems.length > 0) {
    await remove()
    throw new PreflightError(problems)
  }
  return { remove }
}
