import { CapgoError, type CapgoApi, type IssuedKey, type KeyListing } from './capgo-client.js'
import { READ_CONCURRENCY, settle, settleAll, WRITE_CONCURRENCY } from './concurrency.js'
import { WRITE_CHECK_PREFIX, type OrgAccess, type PreparedTarget, type SecretStore } from './github-secret-store.js'
import { describeTarget, targetsOf, type TargetRef } from './targets.js'
import type { KeyIdVariable, VariableWrite } from './key-id-variable.js'
import type { Lease } from './lease.js'
import { checkConvergence, CROSS_CLOCK_TOLERANCE_MS, findLeftovers } from './leftovers.js'
import { checkNotRegeneratedAgain } from './regenerate-check.js'
import { describePlan } from './plan.js'
import { DAY_MS, expiryProblem, minimumLifetimeMs, newExpiry } from './expiry.js'
import {
  chooseKeyToRegenerate,
  excessRights,
  findPreviousKeys,
  canRetire,
  managingKeyProblems,
  type ExplicitId,
  type PreviousKeys,
  type RegenerateChoice,
} from './previous-keys.js'
import type { Settings } from './settings.js'
import { describeIncompleteWrite, settleWrites } from './write-verification.js'
import { errorMessage } from './error-message.js'

// The order of steps and the invariants of docs/contract.md, with Capgo and GitHub
// passed in as interfaces. The invariants in one place:
// - a previous key is deleted only after every target holds the new key;
// - a created key that reached no target is deleted again (no orphan), the previous key untouched;
// - a partial write leaves both keys alive and fails, naming which target holds which id.

export interface Logger {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export interface RotationDeps {
  readonly capgo: CapgoApi
  readonly store: SecretStore
  /** Present when key-id-variable is set. */
  readonly variable: KeyIdVariable | undefined
  /** Keeps overlapping runs of this rotation apart (lease.ts); absent, the run is unguarded. */
  readonly lease?: Lease | undefined
  readonly log: Logger
  readonly now?: () => Date
  /** Targets read at once (preflight). */
  readonly readConcurrency?: number
  /** Targets written, and keys deleted, at once. */
  readonly writeConcurrency?: number
  /** An opt-in step after a successful rotation: the managing-key renewal (src/managing-key.ts). */
  readonly followUp?: FollowUpStep
}

/** A step that runs only after the rotation succeeded; its reads join preflight's, its checks too. */
export interface FollowUpStep {
  /** Reads sent at once with the preflight's. */
  preflight(): Promise<void>
  /** Problems in the preflight list that must stop the run before anything changes. */
  check(listing: KeyListing): string[]
  /** What it would do, for a dry run's plan. */
  plan(): string[]
  /** Runs it; returns what failed, if anything. Whatever it returns, the rotation's result stands. */
  run(): Promise<string | undefined>
}

export type TargetResult = 'created' | 'updated' | 'planned' | 'skipped' | 'failed'

export interface TargetOutcome {
  readonly ref: TargetRef
  readonly result: TargetResult
  /** Id of the key this target holds after the run, when known. */
  readonly holdsKeyId: number | undefined
  /** A write whose outcome stayed unknown: the target holds this key or its previous value. */
  readonly mayHoldKeyId?: number | undefined
  /** For an organization target: the visibility written (or planned). */
  readonly orgAccess: OrgAccess | undefined
  /** The secret as preflight saw it: its last update, null when it did not exist, undefined when not read. */
  readonly before: { readonly updatedAt: string | undefined } | null | undefined
  readonly error: string | undefined
}

export type DoneStrategy = 'create' | 'regenerate'

export interface RotationReport {
  readonly dryRun: boolean
  /** A new secret was written to at least one target. */
  rotated: boolean
  /** What was done (or, on a dry run, what would be done first). */
  strategy: DoneStrategy | undefined
  /** The plan in words, for a dry run and the summary. */
  readonly plan: string[]
  /** The key the targets now hold; `key` is its plaintext, already masked. */
  newKey: IssuedKey | undefined
  /** On a dry run, these three say what would be replaced, deleted and kept. */
  previousKeyIds: number[]
  deletedKeyIds: number[]
  keptKeyIds: number[]
  /** Ids whose delete answered 404: already gone, or not visible to the managing key. Not counted as deleted. */
  notFoundKeyIds: number[]
  targets: TargetOutcome[]
  rotatedAt: string | undefined
  /** rotate-after-days: when this run skipped, when the next rotation is due. */
  nextDueAt: string | undefined
  variable: { readonly name: string; result: VariableWrite | 'planned' | 'failed' } | undefined
  /** Set when the run must fail after it changed something; the report says what it left behind. */
  failure: string | undefined
}

export class PreflightError extends Error {
  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `${problems[0]} Nothing was changed.`
        : `Preflight found ${problems.length} problems; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
    this.name = 'PreflightError'
  }
}

interface Preflight {
  readonly listing: KeyListing
  readonly targets: PreparedTarget[]
  /** The variable's value, undefined when it does not exist (or is not used). */
  readonly variableValue: string | undefined
}

export async function rotate(settings: Settings, deps: RotationDeps): Promise<RotationReport> {
  try {
    return await rotateUnderLease(settings, deps)
  } finally {
    // Usually released already, in parallel with the last step; this covers every other exit.
    await deps.lease?.release()
  }
}

async function rotateUnderLease(settings: Settings, deps: RotationDeps): Promise<RotationReport> {
  const { log } = deps
  const now = deps.now ?? (() => new Date())
  // Expiry is Capgo's to judge: by its clock (the Date of its answers), the runner's only until it answered.
  const capgoNow = () => deps.capgo.now?.() ?? now()
  const readConcurrency = deps.readConcurrency ?? READ_CONCURRENCY
  const writeConcurrency = deps.writeConcurrency ?? WRITE_CONCURRENCY
  const report: RotationReport = {
    dryRun: settings.dryRun,
    rotated: false,
    strategy: undefined,
    plan: [],
    newKey: undefined,
    previousKeyIds: [],
    deletedKeyIds: [],
    keptKeyIds: [],
    notFoundKeyIds: [],
    targets: [],
    rotatedAt: undefined,
    nextDueAt: undefined,
    variable: settings.keyIdVariable ? { name: settings.keyIdVariable, result: 'planned' } : undefined,
    failure: undefined,
  }

  // Step 2: preflight. Every read at once; any failure stops the run before anything changes.
  const { listing, targets, variableValue } = await preflight(settings, deps, readConcurrency)
  log.info(`Capgo answered as the ${listing.generation} generation, with ${listing.keys.length} key(s) visible.`)

  const explicit = explicitIds(settings, variableValue)
  const guard = [
    ...managingKeyProblems(settings.keyName, explicit, listing, settings.strategy),
    ...(deps.followUp?.check(listing) ?? []),
  ]
  if (guard.length > 0) throw new PreflightError(guard)
  const previous = findPreviousKeys(settings.keyName, explicit, settings.keepPrevious, listing)
  for (const note of previous.notes) log.warning(note)
  const regenerateChoice = chooseKeyToRegenerate({
    keyName: settings.keyName,
    previousKeyId: settings.previousKeyId,
    rememberedId: explicit.find((e) => e.source === 'key-id-variable')?.id,
    keepPrevious: settings.keepPrevious,
    listing,
  })
  // Current Capgo refuses creation by API keys, so `auto` regenerates there: check that it can.
  // Classic, or a list that does not tell: `auto` creates, and Capgo's answer to the create decides.
  const expectRegenerate =
    settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current')
  if (expectRegenerate) checkRegenerable(regenerateChoice, settings, capgoNow(), log)

  let notDue =
    settings.rotateAfterDays === undefined ? undefined : nextRotationIfNotDue(targets, settings.rotateAfterDays, now())
  // Young secrets skip the run only when the rotation has converged (leftovers.ts); else it is due.
  // Due or not: within the two services' clock tolerance. Leftovers: by strict proof only.
  const convergence = notDue
    ? checkConvergence(settings.keyName, explicit, listing, targets, CROSS_CLOCK_TOLERANCE_MS)
    : undefined
  if (notDue && convergence?.converged === false) {
    log.info(
      `Rotating although every target secret was updated less than ${settings.rotateAfterDays} days ago: ${convergence.reason}.`,
    )
    notDue = undefined
  }
  if (notDue && convergence) {
    report.nextDueAt = notDue
    report.targets = targets.map((target) => outcome(target, 'skipped', undefined))
    report.plan.push(
      `every target was updated less than ${settings.rotateAfterDays} days ago: nothing to do until ${notDue}`,
    )
    if (report.variable) report.variable.result = 'unchanged'
    log.info(
      `Not rotating: every target secret was updated less than ${settings.rotateAfterDays} days ago. Next rotation due ${notDue}.`,
    )
    if (!expectRegenerate)
      await retireLeftovers(
        settings,
        deps,
        report,
        findLeftovers(settings.keepPrevious, checkConvergence(settings.keyName, explicit, listing, targets)),
        writeConcurrency,
        listing,
      )
    return report
  }

  // Regenerating kills the old value at once, and there is no rollback: make sure every target
  // can be written before that (the public-key read only proved read access).
  const removeWriteChecks =
    expectRegenerate && !settings.dryRun ? await checkWriteAccess(targets, log, writeConcurrency) : undefined

  // Step 3: dry run.
  if (settings.dryRun) {
    const strategy = expectRegenerate ? 'regenerate' : 'create'
    const variable = settings.keyIdVariable ? { name: settings.keyIdVariable, current: variableValue } : undefined
    report.strategy = strategy
    report.plan.push(
      ...describePlan({
        settings,
        strategy,
        regenerateChoice,
        generation: listing.generation,
        previous,
        targets,
        variable,
      }),
    )
    const regenerated = strategy === 'regenerate' && regenerateChoice.ok ? regenerateChoice : undefined
    report.previousKeyIds = regenerated ? [regenerated.id] : previous.replaced.map((k) => k.id)
    report.deletedKeyIds = regenerated ? [] : previous.retired.map((k) => k.id)
    report.keptKeyIds = regenerated ? regenerated.kept.map((k) => k.id) : previous.kept.map((k) => k.id)
    report.targets = targets.map((target) => outcome(target, 'planned', undefined))
    report.plan.push(...(deps.followUp?.plan() ?? []))
    for (const line of report.plan) log.info(`Dry run: ${line}`)
    return report
  }

  // Step 4: a new key, by create or regenerate.
  const expiresAt = newExpiry(settings.expiresInDays, capgoNow())
  // The throwaway secrets go while the key is issued: one round trip, not two.
  const removing = removeWriteChecks?.().catch((error: unknown) =>
    log.warning(`${errorMessage(error)}; delete it by hand.`),
  )
  let issued: Awaited<ReturnType<typeof issueKey>>
  try {
    issued = await issueKey(settings, deps, listing, regenerateChoice, expiresAt, capgoNow)
  } finally {
    await removing
  }
  report.strategy = issued.strategy
  report.newKey = issued.key
  report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : previous.replaced.map((k) => k.id)
  if (issued.strategy === 'regenerate' && regenerateChoice.ok)
    report.keptKeyIds.push(...regenerateChoice.kept.map((k) => k.id))
  log.info(
    `${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`,
  )
  if (expiresAt && !issued.key.expiresAt) {
    log.warning(`Capgo did not confirm an expiry for key ${issued.key.id}; this Capgo may not support expires_at.`)
  }
  // Whatever preflight saw, what Capgo answered decides: a dead (or dying) key is never written.
  const deadOnArrival = expiryProblem(issued.key.expiresAt, capgoNow(), minimumLifetimeMs(settings.rotateAfterDays))
  if (deadOnArrival) {
    report.newKey = undefined
    report.failure = await refuseDeadKey(issued, deadOnArrival, deps)
    return report
  }

  // Step 5: seal and write to every target.
  const rotatedAt = now().toISOString()
  const writes = await settleAll(targets, writeConcurrency, (target) => target.write(issued.key.key))
  // A write whose answer was lost is read back (write-verification.ts) before anything is decided.
  const settled = await settleWrites(targets, writes, writeConcurrency, log)
  report.targets = settled.map(({ target, state, result, error }) => {
    if (state === 'written') {
      log.info(`${describeTarget(target.ref)}: ${result}.`)
      return outcome(target, result!, issued.key.id)
    }
    log.warning(error!)
    // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
    return {
      ...outcome(target, 'failed', undefined),
      error,
      mayHoldKeyId: state === 'unknown' ? issued.key.id : undefined,
    }
  })
  const written = settled.filter((s) => s.state === 'written').length
  if (written > 0) {
    report.rotated = true
    report.rotatedAt = rotatedAt
  }
  // The created key is deleted again only when every target is proven not to hold it.
  if (settled.every((s) => s.state === 'not-written')) {
    report.newKey = undefined
    report.failure = await handleNoTargetWritten(issued, deps, report)
    return report
  }
  if (written < targets.length) {
    report.failure = describeIncompleteWrite(issued.strategy, issued.key, settled, previous)
    return report
  }

  // Steps 6 and 7, at once since neither depends on the other: remember the new id, and retire
  // the previous keys but for the newest keep-previous of them.
  const [variableFailure, deleteFailure, regeneratedAgain] = await Promise.all([
    writeVariable(deps, report, variableValue, issued.key.id),
    issued.strategy === 'create'
      ? retirePreviousKeys(
          previous,
          issued.key.id,
          deps,
          report,
          writeConcurrency,
          settings.keepPrevious,
          settings.keyName,
          listing,
        )
      : undefined,
    issued.strategy === 'regenerate'
      ? checkNotRegeneratedAgain(deps.capgo, issued.key, (m) => log.warning(m))
      : undefined,
    // With a managing-key renewal to follow, the lease covers it too (released in rotate()'s finally).
    deps.followUp ? undefined : deps.lease?.release(),
  ])
  const failures = [variableFailure, deleteFailure, regeneratedAgain].filter((f): f is string => f !== undefined)
  if (failures.length > 0)
    report.failure = `Every target holds the new key ${issued.key.id}, but:\n  - ${failures.join('\n  - ')}`
  else if (deps.followUp) report.failure = await deps.followUp.run()
  return report
}

/** Writes key-id-variable; returns what failed, if anything. */
async function writeVariable(
  deps: RotationDeps,
  report: RotationReport,
  current: string | undefined,
  id: number,
): Promise<string | undefined> {
  if (!deps.variable || !report.variable) return undefined
  const value = String(id)
  try {
    report.variable.result = current === value ? 'unchanged' : await deps.variable.write(value, current !== undefined)
    deps.log.info(`Variable ${deps.variable.name}: ${report.variable.result} (${value}).`)
    return undefined
  } catch (error) {
    report.variable.result = 'failed'
    return `${errorMessage(error)} It should hold ${value}, the id of the key every target now holds.`
  }
}

async function preflight(settings: Settings, deps: RotationDeps, concurrency: number): Promise<Preflight> {
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
function explicitIds(settings: Settings, variableValue: string | undefined): ExplicitId[] {
  const ids: ExplicitId[] = []
  if (settings.previousKeyId !== undefined) ids.push({ id: settings.previousKeyId, source: 'previous-key-id' })
  if (variableValue !== undefined && variableValue.trim() !== '') {
    if (!/^\d+$/.test(variableValue.trim())) {
      throw new PreflightError([
        `Variable ${settings.keyIdVariable} holds '${variableValue.slice(0, 40)}', not a Capgo key id: set it to the id of the key the secrets hold, or delete it.`,
      ])
    }
    const id = Number(variableValue.trim())
    if (!ids.some((e) => e.id === id)) ids.push({ id, source: 'key-id-variable' })
  }
  return ids
}

/** Proves every target writable; returns the removal of the throwaway secrets. */
async function checkWriteAccess(
  targets: readonly PreparedTarget[],
  log: Logger,
  concurrency: number,
): Promise<() => Promise<void>> {
  log.info(
    `Regenerating invalidates the old value at once, so first checking that every target can be written (a throwaway secret ${WRITE_CHECK_PREFIX}<random>, written and deleted).`,
  )
  const checks = await settleAll(targets, concurrency, (target) => target.checkWriteAccess())
  const removals = checks.flatMap((check) => (check.ok ? [check.value] : []))
  const remove = async () => {
    const results = await settleAll(removals, concurrency, (removal) => removal())
    const failed = results.flatMap((r) => (r.ok ? [] : [errorMessage(r.error)]))
    if (failed.length > 0) throw new Error(failed.join('\n'))
  }
  const problems = checks.flatMap((check) => (check.ok ? [] : [errorMessage(check.error)]))
  if (problems.length > 0) {
    await remove().catch((error: unknown) => log.warning(`${errorMessage(error)}; delete it by hand.`))
    throw new PreflightError(problems)
  }
  return remove
}

/** When every target is younger than the threshold, the time the oldest one comes due; else undefined. */
function nextRotationIfNotDue(targets: readonly PreparedTarget[], days: number, now: Date): string | undefined {
  let oldest = Number.POSITIVE_INFINITY
  for (const { existing } of targets) {
    const updated = existing?.updatedAt ? Date.parse(existing.updatedAt) : Number.NaN
    // A missing secret, or one whose age is unknown, is due.
    if (Number.isNaN(updated)) return undefined
    oldest = Math.min(oldest, updated)
  }
  const due = oldest + days * DAY_MS
  return due > now.getTime() ? new Date(due).toISOString() : undefined
}

function outcome(target: PreparedTarget, result: TargetResult, holdsKeyId: number | undefined): TargetOutcome {
  return { ref: target.ref, result, holdsKeyId, orgAccess: target.orgAccess, before: target.existing, error: undefined }
}

async function issueKey(
  settings: Settings,
  deps: RotationDeps,
  listing: KeyListing,
  regenerateChoice: RegenerateChoice,
  expiresAt: string | undefined,
  now: () => Date,
): Promise<{ strategy: DoneStrategy; key: IssuedKey }> {
  const regenerate = async (): Promise<{ strategy: DoneStrategy; key: IssuedKey }> => {
    if (!regenerateChoice.ok) throw new Error(`${regenerateChoice.problem} Nothing was changed.`)
    const { id } = regenerateChoice
    deps.log.info(
      `Regenerating Capgo key ${id}: key-mode and limited-to-* do not apply, the key keeps the rights set in Capgo.`,
    )
    try {
      const key = await deps.capgo.regenerateKey(id, expiresAt)
      // The answer is the whole row: it may show rights the list did not (current Capgo lists no mode).
      const rights = excessRights({ mode: key.mode, globalPermissions: [] }, settings.keyMode)
      if (rights && !(regenerateChoice.key && excessRights(regenerateChoice.key, settings.keyMode)))
        warnRights(id, key.name, rights, deps.log)
      return { strategy: 'regenerate', key }
    } catch (error) {
      if (!(error instanceof CapgoError)) throw error
      if (error.outcomeUnknown) {
        throw new Error(
          `${error.message} Whether key ${id} was regenerated is unknown: if it was, the secrets hold a value ` +
            `that no longer works. Run again: a re-run regenerates it and writes every target.`,
        )
      }
      throw new Error(`${error.message} Nothing was changed.`)
    }
  }
  // On current Capgo (known from the list) a create is refused anyway: no detour through it.
  if (settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current'))
    return regenerate()

  try {
    const key = await deps.capgo.createKey({
      name: settings.keyName,
      mode: settings.keyMode,
      limitedToApps: settings.limitedToApps,
      limitedToOrgs: settings.limitedToOrgs,
      expiresAt,
    })
    return { strategy: 'create', key }
  } catch (error) {
    if (error instanceof CapgoError && error.code === 'cannot_create_apikey') {
      if (settings.strategy === 'auto') {
        deps.log.notice(
          'Capgo refused to create a key (cannot_create_apikey: API keys cannot create keys on current Capgo); regenerating instead.',
        )
        checkRegenerable(regenerateChoice, settings, now(), deps.log)
        return regenerate()
      }
      throw new Error(
        `Capgo refused to create a key (400 cannot_create_apikey): on current Capgo an API key cannot create other keys. ` +
          `Use \`strategy: regenerate\` (or \`auto\`) with a key named '${settings.keyName}' or previous-key-id. Nothing was changed.`,
      )
    }
    if (error instanceof CapgoError && error.outcomeUnknown) {
      throw new Error(`${error.message} ${await sweepUnconfirmedKey(settings, deps, listing)}`)
    }
    throw error
  }
}

/**
 * What must hold before a key is regenerated, from the preflight list: there is one to regenerate,
 * it will not be dead on arrival (a regenerate keeps its expires_at unless one is sent), and any
 * rights beyond the rotation's purpose are said out loud. Throws a PreflightError otherwise.
 */
function checkRegenerable(choice: RegenerateChoice, settings: Settings, now: Date, log: Logger): void {
  if (!choice.ok) throw new PreflightError([choice.problem])
  const key = choice.key
  if (!key) return
  if (settings.expiresInDays === undefined) {
    const problem = expiryProblem(key.expiresAt, now, minimumLifetimeMs(settings.rotateAfterDays))
    if (problem) {
      const when =
        problem === 'expired'
          ? `expired at ${key.expiresAt}`
          : `expires at ${key.expiresAt}, before a next run could replace it`
      throw new PreflightError([
        `Capgo key ${key.id} ${when}, and a regenerate keeps its expiry, so the secrets would hold a dead key: ` +
          'set expires-in-days (1 to 365) to give the regenerated key a new expiry.',
      ])
    }
  }
  const rights = excessRights(key, settings.keyMode)
  if (rights) warnRights(key.id, key.name, rights, log)
}

function warnRights(id: number, name: string, rights: string, log: Logger): void {
  log.warning(
    `Capgo key ${id} ('${name}') has ${rights}: the secrets will hold a key with those rights. ` +
      'If the secret is meant for uploads, give the key only an upload role in Capgo (or rotate a key that has one).',
  )
}

/** Capgo answered with a key that is dead or dies before the next run: it is never written. */
async function refuseDeadKey(
  issued: { strategy: DoneStrategy; key: IssuedKey },
  problem: 'expired' | 'too-soon',
  deps: RotationDeps,
): Promise<string> {
  const when = problem === 'expired' ? 'already expired' : 'expires before a next run could replace it'
  const head = `Capgo answered with key ${issued.key.id}, which ${when} (expires_at ${issued.key.expiresAt}): it was not written to any target. Set expires-in-days.`
  if (issued.strategy === 'regenerate') {
    return `${head} The key was regenerated, so the value the targets hold no longer works: run again with expires-in-days set.`
  }
  try {
    await deps.capgo.deleteKey(issued.key.id)
    return `${head} The new key was deleted again; the previous key is untouched.`
  } catch (error) {
    return `${head} Deleting it again failed too (${errorMessage(error)}); the next run deletes it. The previous key is untouched.`
  }
}

/**
 * A create whose answer was lost may still have made a key. Look for a key of our name that the
 * preflight list did not have and delete it, so that no live key is left that no secret holds.
 */
async function sweepUnconfirmedKey(settings: Settings, deps: RotationDeps, before: KeyListing): Promise<string> {
  const known = new Set(before.keys.map((k) => k.id))
  try {
    const after = await deps.capgo.listKeys()
    const strays = after.keys.filter((k) => k.name === settings.keyName && !known.has(k.id) && !k.isManagingKey)
    if (strays.length === 0) return 'No key was created; nothing was changed.'
    // Without the lease a stray may be another run's fresh key, which its secrets may hold already.
    if (!deps.lease?.held) {
      return (
        `Key(s) ${strays.map((k) => k.id).join(', ')} named '${settings.keyName}' appeared after this run's preflight: this run's, or an ` +
        `overlapping run's. Without the lease this run cannot tell, so it deletes none; the next run retires what no secret holds. No secret was changed.`
      )
    }
    for (const stray of strays) await deps.capgo.deleteKey(stray.id)
    return `The create went through after all; key(s) ${strays.map((k) => k.id).join(', ')} were deleted again. Nothing else was changed.`
  } catch (error) {
    return (
      `Whether Capgo created a key is unknown (${errorMessage(error)}). If it did, it is named '${settings.keyName}' ` +
      `and the next run deletes it; no secret was changed.`
    )
  }
}

async function handleNoTargetWritten(
  issued: { strategy: DoneStrategy; key: IssuedKey },
  deps: RotationDeps,
  report: RotationReport,
): Promise<string> {
  const causes = report.targets.map((t) => t.error).join('\n')
  if (issued.strategy === 'regenerate') {
    return (
      `Capgo key ${issued.key.id} was regenerated, so the value the targets hold no longer works, and no target could be written. ` +
      `Fix the cause and run again: a re-run regenerates the key and writes it.\n${causes}`
    )
  }
  try {
    await deps.capgo.deleteKey(issued.key.id)
    deps.log.info(`Rolled back: deleted the new key ${issued.key.id}, which reached no target.`)
    return `No target could be written, so the new key ${issued.key.id} was deleted again; the previous key is untouched.\n${causes}`
  } catch (error) {
    return (
      `No target could be written, and deleting the new key ${issued.key.id} again failed too (${errorMessage(error)}): ` +
      `delete it in Capgo, or run again (a run deletes every earlier key named '${issued.key.name}'). The previous key is untouched.\n${causes}`
    )
  }
}

/** Deletes the retired keys; returns what failed, if anything. */
async function retirePreviousKeys(
  previous: PreviousKeys,
  newId: number,
  deps: RotationDeps,
  report: RotationReport,
  concurrency: number,
  keepPrevious: number,
  keyName: string,
  listing: KeyListing,
): Promise<string | undefined> {
  report.keptKeyIds.push(...previous.kept.map((k) => k.id))
  for (const key of previous.kept)
    deps.log.info(`Keeping previous key ${key.id} alive (keep-previous: ${keepPrevious}).`)
  const doomed = previous.retired.filter((k) => k.id !== newId)
  const unsafe = doomed.length > 0 ? canRetire(listing) : undefined
  if (unsafe) return `${unsafe} (ids ${doomed.map((k) => k.id).join(', ')}).`
  const results = await settleAll(doomed, concurrency, (key) => deps.capgo.deleteKey(key.id))
  const failures: string[] = []
  doomed.forEach((key, index) => {
    const result = results[index]!
    if (result.ok && result.value === 'deleted') {
      report.deletedKeyIds.push(key.id)
      deps.log.info(`Deleted previous key ${key.id}.`)
    } else if (result.ok) {
      // Capgo answers 404 alike for a key that is gone and for one the managing key may not see.
      report.notFoundKeyIds.push(key.id)
      deps.log.warning(
        `Previous key ${key.id} was not found: it is already gone, or not visible to the managing key (another user's key).`,
      )
    } else if (result.error instanceof CapgoError && (result.error.status === 401 || result.error.status === 403)) {
      // Current Capgo refuses to delete the managing key itself, or a key outside its organizations.
      report.keptKeyIds.push(key.id)
      deps.log.warning(
        `Capgo refused to delete previous key ${key.id} (${result.error.status}${result.error.code ? ` ${result.error.code}` : ''}); it stays alive. ` +
          'It is the managing key itself, or a key capgo-api-key may not manage: delete it in Capgo if it should go.',
      )
    } else {
      failures.push(`key ${key.id}: ${errorMessage(result.error)}`)
    }
  })
  if (failures.length === 0) return undefined
  return (
    `deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key ` +
    `named '${keyName}'), or delete them in Capgo:\n    - ${failures.join('\n    - ')}`
  )
}

/** A run that is not due: retires what a failed run left alive, when leftovers.ts proves it safe. */
async function retireLeftovers(
  settings: Settings,
  deps: RotationDeps,
  report: RotationReport,
  leftovers: ReturnType<typeof findLeftovers>,
  concurrency: number,
  listing: KeyListing,
): Promise<void> {
  if ('reason' in leftovers) {
    deps.log.debug(`No leftovers retired: ${leftovers.reason}.`)
    return
  }
  const { newest, retire } = leftovers
  if (retire.retired.length === 0 && retire.kept.length === 0) return
  // The proof is by timestamps, sound only while runs are kept apart: without the lease, an
  // overlapping run may have written an earlier key after the newest was issued.
  if (!settings.dryRun && !deps.lease?.held) {
    if (retire.retired.length === 0) return
    deps.log.info(
      `Earlier key(s) ${retire.retired.map((k) => k.id).join(', ')} left alive by an earlier run are not retired: without the lease, ` +
        "the secrets' last updates do not prove which key they hold. The next due rotation retires them.",
    )
    return
  }
  report.previousKeyIds = retire.replaced.map((k) => k.id)
  if (settings.dryRun) {
    report.deletedKeyIds = retire.retired.map((k) => k.id)
    report.keptKeyIds = retire.kept.map((k) => k.id)
    if (retire.retired.length > 0)
      report.plan.push(
        `every target holds key ${newest.id}: delete earlier key(s) ${report.deletedKeyIds.join(', ')} left alive by an earlier run`,
      )
    return
  }
  deps.log.info(
    `Every target holds key ${newest.id}, the newest of this rotation: retiring the earlier keys an earlier run left alive.`,
  )
  const failure = await retirePreviousKeys(
    retire,
    newest.id,
    deps,
    report,
    concurrency,
    settings.keepPrevious,
    settings.keyName,
    listing,
  )
  if (failure) report.failure = `Every target holds key ${newest.id}, but ${failure}`
}
