import { CapgoError, type CapgoApi, type IssuedKey, type KeyListing } from './capgo-client.js'
import { READ_CONCURRENCY, settleAll, WRITE_CONCURRENCY } from './concurrency.js'
import { describeTarget, targetsOf, WRITE_CHECK_SECRET, type OrgAccess, type PreparedTarget, type SecretStore, type TargetRef } from './github-targets.js'
import type { KeyIdVariable, VariableWrite } from './key-id-variable.js'
import { describePlan } from './plan.js'
import { chooseKeyToRegenerate, findPreviousKeys, type ExplicitId, type PreviousKeys } from './previous-keys.js'
import type { Settings } from './settings.js'

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
  readonly log: Logger
  readonly now?: () => Date
  /** Targets read at once (preflight). */
  readonly readConcurrency?: number
  /** Targets written, and keys deleted, at once. */
  readonly writeConcurrency?: number
}

export type TargetResult = 'created' | 'updated' | 'planned' | 'skipped' | 'failed'

export interface TargetOutcome {
  readonly ref: TargetRef
  readonly result: TargetResult
  /** Id of the key this target holds after the run, when known. */
  readonly holdsKeyId: number | undefined
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
  targets: TargetOutcome[]
  rotatedAt: string | undefined
  /** rotate-after-days: when this run skipped, when the next rotation is due. */
  nextDueAt: string | undefined
  variable: { readonly name: string; result: VariableWrite | 'planned' | 'failed' } | undefined
  /** Set when the run must fail after it changed something; the report says what it left behind. */
  failure: string | undefined
}

const DAY_MS = 24 * 60 * 60 * 1000

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
  const { log } = deps
  const now = deps.now ?? (() => new Date())
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
  const previous = findPreviousKeys(settings.keyName, explicit, settings.keepPrevious, listing)
  for (const note of previous.notes) log.warning(note)
  const regenerateChoice = chooseKeyToRegenerate(settings.keyName, explicit[0], listing)
  // Current Capgo refuses creation by API keys, so `auto` will regenerate there: check it can.
  const expectRegenerate = settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current')
  if (expectRegenerate && typeof regenerateChoice === 'string') throw new PreflightError([regenerateChoice])
  if (expectRegenerate) warnGraceImpossible(settings, log)

  const notDue = settings.rotateAfterDays === undefined ? undefined : nextRotationIfNotDue(targets, settings.rotateAfterDays, now())
  if (notDue) {
    report.nextDueAt = notDue
    report.targets = targets.map((target) => outcome(target, 'skipped', undefined))
    report.plan.push(`every target was updated less than ${settings.rotateAfterDays} days ago: nothing to do until ${notDue}`)
    if (report.variable) report.variable.result = 'unchanged'
    log.info(`Not rotating: every target secret was updated less than ${settings.rotateAfterDays} days ago. Next rotation due ${notDue}.`)
    return report
  }

  // Regenerating kills the old value at once, and there is no rollback: make sure every target
  // can be written before that (the public-key read only proved read access).
  const removeWriteChecks = expectRegenerate && !settings.dryRun ? await checkWriteAccess(targets, log, writeConcurrency) : undefined

  // Step 3: dry run.
  if (settings.dryRun) {
    const strategy = expectRegenerate ? 'regenerate' : 'create'
    const variable = settings.keyIdVariable ? { name: settings.keyIdVariable, current: variableValue } : undefined
    report.strategy = strategy
    report.plan.push(...describePlan({ settings, strategy, regenerateChoice, previous, targets, variable }))
    report.previousKeyIds = strategy === 'regenerate' ? [regenerateChoice as number] : previous.replaced.map((k) => k.id)
    report.deletedKeyIds = strategy === 'regenerate' ? [] : previous.retired.map((k) => k.id)
    report.keptKeyIds = strategy === 'regenerate' ? [] : previous.kept.map((k) => k.id)
    report.targets = targets.map((target) => outcome(target, 'planned', undefined))
    for (const line of report.plan) log.info(`Dry run: ${line}`)
    return report
  }

  // Step 4: a new key, by create or regenerate.
  const expiresAt = settings.expiresInDays ? new Date(now().getTime() + settings.expiresInDays * DAY_MS).toISOString() : undefined
  // The throwaway secrets go while the key is issued: one round trip, not two.
  const removing = removeWriteChecks?.().catch((error: unknown) => log.warning(`${errorMessage(error)}; delete it by hand.`))
  let issued: Awaited<ReturnType<typeof issueKey>>
  try {
    issued = await issueKey(settings, deps, listing, regenerateChoice, expiresAt)
  } finally {
    await removing
  }
  report.strategy = issued.strategy
  report.newKey = issued.key
  report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : previous.replaced.map((k) => k.id)
  log.info(`${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`)
  if (expiresAt && !issued.key.expiresAt) {
    log.warning(`Capgo did not confirm an expiry for key ${issued.key.id}; this Capgo may not support expires_at.`)
  }

  // Step 5: seal and write to every target.
  const rotatedAt = now().toISOString()
  const writes = await settleAll(targets, writeConcurrency, (target) => target.write(issued.key.key))
  report.targets = targets.map((target, index) => {
    const write = writes[index]!
    if (write.ok) {
      log.info(`${describeTarget(target.ref)}: ${write.value}.`)
      return outcome(target, write.value, issued.key.id)
    }
    const error = errorMessage(write.error)
    log.warning(error)
    // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
    return { ...outcome(target, 'failed', undefined), error }
  })
  const written = writes.filter((w) => w.ok).length
  if (written > 0) {
    report.rotated = true
    report.rotatedAt = rotatedAt
  }
  if (written === 0) {
    report.newKey = undefined
    report.failure = await handleNoTargetWritten(issued, deps, report)
    return report
  }
  if (written < targets.length) {
    report.failure = describePartialWrite(issued, report, previous)
    return report
  }

  // Steps 6 and 7, at once since neither depends on the other: remember the new id, and retire
  // the previous keys but for the newest keep-previous of them.
  const [variableFailure, deleteFailure] = await Promise.all([
    writeVariable(deps, report, variableValue, issued.key.id),
    issued.strategy === 'create' ? retirePreviousKeys(previous, issued.key.id, deps, report, writeConcurrency, settings.keepPrevious) : undefined,
  ])
  const failures = [variableFailure, deleteFailure].filter((f): f is string => f !== undefined)
  if (failures.length > 0) report.failure = `Every target holds the new key ${issued.key.id}, but:\n  - ${failures.join('\n  - ')}`
  return report
}

/** Writes key-id-variable; returns what failed, if anything. */
async function writeVariable(deps: RotationDeps, report: RotationReport, current: string | undefined, id: number): Promise<string | undefined> {
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
  const readExisting = settings.dryRun || settings.rotateAfterDays !== undefined
  deps.log.info(
    `Preflight: listing Capgo keys, reading ${refs.length} target(s)` + (deps.variable ? ` and variable ${deps.variable.name}.` : '.'),
  )
  const [listing, targets, variable] = await Promise.all([
    settle(deps.capgo.listKeys()),
    settleAll(refs, concurrency, (ref) => deps.store.prepare(ref, { readExisting })),
    settle(deps.variable ? deps.variable.read() : Promise.resolve(undefined)),
  ])
  const problems: string[] = []
  for (const result of [listing, ...targets, variable]) if (!result.ok) problems.push(errorMessage(result.error))
  if (!listing.ok || !variable.ok || problems.length > 0) throw new PreflightError(problems)
  return { listing: listing.value, targets: targets.map((t) => (t as { ok: true; value: PreparedTarget }).value), variableValue: variable.value }
}

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
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
async function checkWriteAccess(targets: readonly PreparedTarget[], log: Logger, concurrency: number): Promise<() => Promise<void>> {
  log.info(`Regenerating invalidates the old value at once, so first checking that every target can be written (secret ${WRITE_CHECK_SECRET}, written and deleted).`)
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

function warnGraceImpossible(settings: Settings, log: Logger): void {
  if (settings.keepPrevious > 0) {
    log.warning(
      `keep-previous: ${settings.keepPrevious} cannot be honoured: this Capgo only regenerates keys, which invalidates the old value at once.`,
    )
  }
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
  regenerateChoice: number | string,
  expiresAt: string | undefined,
): Promise<{ strategy: DoneStrategy; key: IssuedKey }> {
  const regenerate = async (): Promise<{ strategy: DoneStrategy; key: IssuedKey }> => {
    if (typeof regenerateChoice === 'string') throw new Error(`${regenerateChoice} Nothing was changed.`)
    deps.log.info(`Regenerating Capgo key ${regenerateChoice}: key-mode and limited-to-* do not apply, the key keeps the scope set in Capgo.`)
    try {
      return { strategy: 'regenerate', key: await deps.capgo.regenerateKey(regenerateChoice, expiresAt) }
    } catch (error) {
      if (!(error instanceof CapgoError)) throw error
      if (error.outcomeUnknown) {
        throw new Error(
          `${error.message} Whether key ${regenerateChoice} was regenerated is unknown: if it was, the secrets hold a value ` +
            `that no longer works. Run again: a re-run regenerates it and writes every target.`,
        )
      }
      if (listing.generation === 'classic' && (error.status === 404 || error.status === 405)) {
        throw new Error(`${error.message} Classic Capgo may not regenerate keys at all: use \`strategy: create\`. Nothing was changed.`)
      }
      throw new Error(`${error.message} Nothing was changed.`)
    }
  }
  if (settings.strategy === 'regenerate') return regenerate()

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
        deps.log.notice('Capgo refused to create a key (cannot_create_apikey: API keys cannot create keys on current Capgo); regenerating instead.')
        warnGraceImpossible(settings, deps.log)
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
 * A create whose answer was lost may still have made a key. Look for a key of our name that the
 * preflight list did not have and delete it, so that no live key is left that no secret holds.
 */
async function sweepUnconfirmedKey(settings: Settings, deps: RotationDeps, before: KeyListing): Promise<string> {
  const known = new Set(before.keys.map((k) => k.id))
  try {
    const after = await deps.capgo.listKeys()
    const strays = after.keys.filter((k) => k.name === settings.keyName && !known.has(k.id) && !k.isManagingKey)
    if (strays.length === 0) return 'No key was created; nothing was changed.'
    for (const stray of strays) await deps.capgo.deleteKey(stray.id)
    return `The create went through after all; key(s) ${strays.map((k) => k.id).join(', ')} were deleted again. Nothing else was changed.`
  } catch (error) {
    return (
      `Whether Capgo created a key is unknown (${errorMessage(error)}). If it did, it is named '${settings.keyName}' ` +
      `and the next run deletes it; no secret was changed.`
    )
  }
}

async function handleNoTargetWritten(issued: { strategy: DoneStrategy; key: IssuedKey }, deps: RotationDeps, report: RotationReport): Promise<string> {
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

function describePartialWrite(issued: { strategy: DoneStrategy; key: IssuedKey }, report: RotationReport, previous: PreviousKeys): string {
  const oldIds = previous.replaced.map((k) => k.id)
  const stale =
    issued.strategy === 'regenerate'
      ? `the old value of key ${issued.key.id}, which no longer works`
      : oldIds.length > 0
        ? `its previous value (previous key ${oldIds.join(' or ')})`
        : 'its previous value'
  const holders = report.targets
    .map((t) => `  - ${describeTarget(t.ref)}: ${t.result}, holds ${t.result === 'failed' ? stale : `new key ${issued.key.id}`}`)
    .join('\n')
  const written = report.targets.filter((t) => t.result !== 'failed').length
  const kept = issued.strategy === 'create' ? 'Both the new and the previous keys were left alive. ' : ''
  return (
    `Only ${written} of ${report.targets.length} targets were written. ${kept}Fix the cause and run again to bring every target to one key.\n` +
    `${holders}\n${report.targets.flatMap((t) => (t.error ? [t.error] : [])).join('\n')}`
  )
}

/** Deletes the retired keys; returns what failed, if anything. */
async function retirePreviousKeys(
  previous: PreviousKeys,
  newId: number,
  deps: RotationDeps,
  report: RotationReport,
  concurrency: number,
  keepPrevious: number,
): Promise<string | undefined> {
  report.keptKeyIds.push(...previous.kept.map((k) => k.id))
  for (const key of previous.kept) deps.log.info(`Keeping previous key ${key.id} alive (keep-previous: ${keepPrevious}).`)
  const doomed = previous.retired.filter((k) => k.id !== newId)
  const results = await settleAll(doomed, concurrency, (key) => deps.capgo.deleteKey(key.id))
  const failures: string[] = []
  doomed.forEach((key, index) => {
    const result = results[index]!
    if (result.ok) {
      report.deletedKeyIds.push(key.id)
      deps.log.info(result.value === 'deleted' ? `Deleted previous key ${key.id}.` : `Previous key ${key.id} was already gone.`)
    } else if (result.error instanceof CapgoError && (result.error.status === 401 || result.error.status === 403)) {
      // Current Capgo refuses a key's deletion of itself; a key may also be outside the managing key's reach.
      report.keptKeyIds.push(key.id)
      deps.log.warning(
        `Capgo refused to delete previous key ${key.id} (${result.error.status}${result.error.code ? ` ${result.error.code}` : ''}); it stays alive. ` +
          `If it is the managing key (capgo-api-key) that is expected; otherwise delete it in Capgo.`,
      )
    } else {
      failures.push(`key ${key.id}: ${errorMessage(result.error)}`)
    }
  })
  if (failures.length === 0) return undefined
  return (
    `deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key ` +
    `named '${report.newKey?.name}'), or delete them in Capgo:\n    - ${failures.join('\n    - ')}`
  )
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
