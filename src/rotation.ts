import { CapgoError, type CapgoApi, type CapgoKey, type IssuedKey, type KeyListing } from './capgo-client.js'
import { settleAll } from './concurrency.js'
import { describeTarget, targetsOf, type OrgAccess, type PreparedTarget, type SecretStore, type TargetRef } from './github-targets.js'
import type { Settings } from './settings.js'

// The order of steps and the invariants of shared/action-contract.md, with Capgo and GitHub
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
  readonly log: Logger
  readonly now?: () => Date
  /** Targets read or written at once. */
  readonly concurrency?: number
}

export type TargetResult = 'created' | 'updated' | 'planned' | 'failed'

export interface TargetOutcome {
  readonly ref: TargetRef
  readonly result: TargetResult
  /** Id of the key this target holds after the run, when known. */
  readonly holdsKeyId: number | undefined
  /** For an organization target: the visibility written (or planned). */
  readonly orgAccess: OrgAccess | undefined
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
  previousKeyIds: number[]
  deletedKeyIds: number[]
  keptKeyIds: number[]
  targets: TargetOutcome[]
  rotatedAt: string | undefined
  /** Set when the run must fail after it changed something; the report says what it left behind. */
  failure: string | undefined
}

const DEFAULT_CONCURRENCY = 4
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

export async function rotate(settings: Settings, deps: RotationDeps): Promise<RotationReport> {
  const { log } = deps
  const now = deps.now ?? (() => new Date())
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY
  const refs = targetsOf(settings)
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
    failure: undefined,
  }

  // Step 2: preflight. Every read at once; any failure stops the run before anything changes.
  log.info(`Preflight: listing Capgo keys and reading the public key of ${refs.length} target(s).`)
  const [listing, prepared] = await preflight(deps, refs, concurrency)
  log.info(`Capgo answered as the ${listing.generation} generation, with ${listing.keys.length} key(s) visible.`)

  const previous = findPreviousKeys(settings, listing, log)
  const regenerateChoice = chooseKeyToRegenerate(settings, listing)
  if (settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current')) {
    // Current Capgo refuses creation by API keys, so `auto` will regenerate: check it can.
    if (typeof regenerateChoice === 'string') throw new PreflightError([regenerateChoice])
  }

  // Step 3: dry run.
  if (settings.dryRun) {
    report.strategy = settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current') ? 'regenerate' : 'create'
    report.plan.push(...describePlan(settings, listing, previous, regenerateChoice, prepared))
    report.previousKeyIds = report.strategy === 'regenerate' ? [regenerateChoice as number] : previous.map((k) => k.id)
    report.targets = prepared.map((target) => ({ ref: target.ref, result: 'planned', holdsKeyId: undefined, orgAccess: target.orgAccess, error: undefined }))
    for (const line of report.plan) log.info(`Dry run: ${line}`)
    return report
  }

  // Step 4: a new key, by create or regenerate.
  const expiresAt = settings.expiresInDays ? new Date(now().getTime() + settings.expiresInDays * DAY_MS).toISOString() : undefined
  const issued = await issueKey(settings, deps, listing, regenerateChoice, expiresAt)
  report.strategy = issued.strategy
  report.newKey = issued.key
  report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : previous.map((k) => k.id)
  log.info(`${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`)
  if (expiresAt && !issued.key.expiresAt) {
    log.warning(`Capgo did not confirm an expiry for key ${issued.key.id}; this Capgo may not support expires_at.`)
  }

  // Step 5: seal and write to every target.
  const rotatedAt = now().toISOString()
  const writes = await settleAll(prepared, concurrency, (target) => target.write(issued.key.key))
  const written = writes.filter((w) => w.ok).length
  const oldIds = issued.strategy === 'create' ? previous.map((k) => k.id) : []
  report.targets = prepared.map((target, index) => {
    const write = writes[index]!
    if (write.ok) {
      log.info(`${describeTarget(target.ref)}: ${write.value}.`)
      return { ref: target.ref, result: write.value, holdsKeyId: issued.key.id, orgAccess: target.orgAccess, error: undefined }
    }
    const error = errorMessage(write.error)
    log.warning(error)
    // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
    return { ref: target.ref, result: 'failed', holdsKeyId: undefined, orgAccess: target.orgAccess, error }
  })
  if (written > 0) {
    report.rotated = true
    report.rotatedAt = rotatedAt
  }

  if (written === 0) {
    report.newKey = undefined
    report.failure = await handleNoTargetWritten(issued, deps, report)
    return report
  }
  if (written < prepared.length) {
    report.failure = describePartialWrite(issued, report, oldIds)
    return report
  }

  // Step 7: every target holds the new key, so the previous keys can go.
  if (issued.strategy === 'create') await retirePreviousKeys(previous, issued.key.id, deps, report, concurrency)
  return report
}

async function preflight(deps: RotationDeps, refs: TargetRef[], concurrency: number): Promise<[KeyListing, PreparedTarget[]]> {
  const [listing, targets] = await Promise.all([
    deps.capgo.listKeys().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    settleAll(refs, concurrency, (ref) => deps.store.prepare(ref)),
  ])
  const problems: string[] = []
  if (!listing.ok) problems.push(errorMessage(listing.error))
  for (const target of targets) if (!target.ok) problems.push(errorMessage(target.error))
  if (problems.length > 0 || !listing.ok) throw new PreflightError(problems)
  return [listing.value, targets.map((t) => (t as { ok: true; value: PreparedTarget }).value)]
}

/**
 * Keys this rotation replaces: the one named by previous-key-id and every key named key-name,
 * never the managing key. A previous-key-id missing from the list is kept as a bare id: deleting
 * it is harmless (404 = already gone).
 */
function findPreviousKeys(settings: Settings, listing: KeyListing, log: Logger): CapgoKey[] {
  const byId = new Map<number, CapgoKey>()
  for (const key of listing.keys) if (key.name === settings.keyName) byId.set(key.id, key)
  if (settings.previousKeyId !== undefined) {
    const listed = listing.keys.find((k) => k.id === settings.previousKeyId)
    if (!listed) log.warning(`previous-key-id ${settings.previousKeyId} is not among the Capgo keys the managing key can see.`)
    byId.set(settings.previousKeyId, listed ?? bareKey(settings.previousKeyId))
  }
  const previous: CapgoKey[] = []
  for (const key of byId.values()) {
    if (key.isManagingKey) {
      log.warning(`Key ${key.id} is the managing key (capgo-api-key): it is never deleted or regenerated by this action.`)
    } else previous.push(key)
  }
  return previous
}

function bareKey(id: number): CapgoKey {
  return { id, name: '', mode: undefined, createdAt: undefined, expiresAt: undefined, isManagingKey: false }
}

/** The id to regenerate, or why there is none (a sentence that says how to give one). */
function chooseKeyToRegenerate(settings: Settings, listing: KeyListing): number | string {
  if (settings.previousKeyId !== undefined) {
    const listed = listing.keys.find((k) => k.id === settings.previousKeyId)
    if (listed?.isManagingKey) {
      return `previous-key-id ${settings.previousKeyId} is the managing key (capgo-api-key) itself, which must not be regenerated: give the id of the key the secret holds.`
    }
    return settings.previousKeyId
  }
  const named = listing.keys.filter((k) => k.name === settings.keyName && !k.isManagingKey)
  if (named.length === 1) return named[0]!.id
  if (named.length === 0) {
    return (
      `Regenerating needs the key to regenerate, and no Capgo key is named '${settings.keyName}'. ` +
      `In Capgo, create an upload key named '${settings.keyName}' (or set previous-key-id to the id of the key the secret holds now), then run again.`
    )
  }
  return (
    `Regenerating needs one key, and ${named.length} Capgo keys are named '${settings.keyName}' (ids ${named.map((k) => k.id).join(', ')}): ` +
    `set previous-key-id to the one to regenerate, and delete the others in Capgo.`
  )
}

function describePlan(
  settings: Settings,
  listing: KeyListing,
  previous: CapgoKey[],
  regenerateChoice: number | string,
  targets: readonly PreparedTarget[],
): string[] {
  const scope = describeScope(settings)
  const lines: string[] = []
  const regenerates = settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current')
  if (regenerates) {
    lines.push(`regenerate Capgo key ${regenerateChoice as number} in place (its scope stays as set in Capgo)`)
  } else {
    lines.push(`create Capgo key '${settings.keyName}' (mode ${settings.keyMode}, ${scope}${settings.expiresInDays ? `, expires in ${settings.expiresInDays} days` : ''})`)
    if (settings.strategy === 'auto') lines.push(`if Capgo refuses to create keys, regenerate ${typeof regenerateChoice === 'number' ? `key ${regenerateChoice}` : `(no key to regenerate: ${regenerateChoice})`}`)
  }
  for (const { ref, orgAccess } of targets) {
    lines.push(`write ${describeTarget(ref)}${orgAccess ? `, ${describeOrgAccess(ref, orgAccess)}` : ''}`)
  }
  if (!regenerates) lines.push(previous.length > 0 ? `then delete previous key(s) ${previous.map((k) => k.id).join(', ')}` : 'no previous key to delete')
  return lines
}

function describeOrgAccess(ref: TargetRef, access: OrgAccess): string {
  const how = access.isNew ? 'new secret with' : ref.kind === 'organization' && ref.visibility !== undefined ? 'setting' : 'keeping'
  const ids = access.visibility === 'selected' ? ` (repository ids ${access.selectedRepositoryIds.join(', ') || 'none'})` : ''
  return `${how} visibility ${access.visibility}${ids}`
}

export function describeScope(settings: Pick<Settings, 'limitedToApps' | 'limitedToOrgs'>): string {
  const parts: string[] = []
  if (settings.limitedToApps.length > 0) parts.push(`apps ${settings.limitedToApps.join(', ')}`)
  if (settings.limitedToOrgs.length > 0) parts.push(`orgs ${settings.limitedToOrgs.join(', ')}`)
  return parts.length > 0 ? `limited to ${parts.join('; ')}` : 'not limited to apps or orgs'
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

function describePartialWrite(issued: { strategy: DoneStrategy; key: IssuedKey }, report: RotationReport, oldIds: number[]): string {
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

async function retirePreviousKeys(previous: CapgoKey[], newId: number, deps: RotationDeps, report: RotationReport, concurrency: number): Promise<void> {
  const doomed = previous.filter((k) => k.id !== newId)
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
  if (failures.length > 0) {
    report.failure =
      `Every target holds the new key ${newId}, but deleting previous key(s) failed; they are still alive. ` +
      `Run again to retire them (a run deletes every earlier key named '${report.newKey?.name}'), or delete them in Capgo.\n  - ${failures.join('\n  - ')}`
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
