import type { CapgoKey, KeyListing } from './capgo-client.js'
import type { KeyMode, Strategy } from './settings.js'

// Which earlier keys a rotation replaces, which of them keep-previous leaves alive, which key a
// regenerate acts on, and the guards around the managing key. Pure decisions over the preflight
// list: no requests here.

/** Where Capgo's hosted dashboard manages API keys (the link Capgo's own CLI gives: cli/src/utils/security_policy_errors.ts). */
export const CAPGO_KEYS_PAGE = 'https://console.capgo.app/dashboard/apikeys'

export interface ExplicitId {
  readonly id: number
  /** The input it came from, for messages. */
  readonly source: 'previous-key-id' | 'key-id-variable'
}

export interface PreviousKeys {
  /** Every key this rotation replaces, newest first. Never the managing key. */
  readonly replaced: readonly CapgoKey[]
  /** The newest keep-previous of them: left alive as a grace window. */
  readonly kept: readonly CapgoKey[]
  /** The rest: deleted once every target holds the new key. */
  readonly retired: readonly CapgoKey[]
  /** Things worth a warning (an id not in the list). */
  readonly notes: readonly string[]
}

/**
 * Inputs that point the rotation at the managing key, each as a sentence. The rotation refuses
 * them in preflight: a run would otherwise delete (classic) or regenerate its own credential.
 * Only classic Capgo shows which row is the managing key (by `key` or `key_hash`); on current
 * Capgo the server itself refuses (401 cannot_update_apikey), and that answer is explained.
 */
export function managingKeyProblems(
  keyName: string,
  explicit: readonly ExplicitId[],
  listing: KeyListing,
  strategy: Strategy,
): string[] {
  const manager = listing.keys.find((k) => k.isManagingKey)
  // Classic Capgo lets a key delete or regenerate itself: the action must see which row is the
  // managing key before it acts on any. Its row is missing when the list is cut (1000 rows at most)
  // or shows neither key nor key_hash. (An unknown generation that then creates keys is handled
  // where earlier keys are retired: see canRetire.)
  const mustSeeManager =
    listing.generation === 'classic' || (listing.generation === 'unknown' && strategy === 'regenerate')
  if (!manager) return mustSeeManager ? [MANAGER_NOT_LISTED] : []
  const problems: string[] = []
  for (const { id, source } of explicit) {
    if (id === manager.id) {
      problems.push(
        `${source} ${id} is the managing key (capgo-api-key) itself, which this action never deletes or regenerates: ` +
          'give the id of the key the secret holds.',
      )
    }
  }
  if (manager.name === keyName) {
    problems.push(
      `key-name '${keyName}' is also the name of the managing key (capgo-api-key, id ${manager.id}), and a rotation retires ` +
        'every earlier key of its name: set key-name to a name of its own, or rename the managing key in Capgo.',
    )
  }
  return problems
}

const MANAGER_NOT_LISTED =
  "The managing key's own row is not in Capgo's key list (the list holds at most 1000 keys, or this Capgo shows neither " +
  'key nor key_hash), so the action cannot make sure it never deletes or regenerates the managing key: it changes nothing. ' +
  'Delete keys you no longer use in Capgo, so that the list holds every key of this account.'

/**
 * Whether earlier keys may be deleted after a create: only where the managing key is known, or
 * where Capgo itself refuses a key's acting on itself (current). Else the reason not to.
 */
export function canRetire(listing: KeyListing): string | undefined {
  if (listing.generation === 'current' || listing.keys.some((k) => k.isManagingKey)) return undefined
  return (
    "earlier keys were left alive: Capgo's list did not show which key is the managing key (neither key nor key_hash), " +
    'so none of them could be told apart from it. Delete them in Capgo by hand once you have checked their ids'
  )
}

/**
 * Earlier keys are every key named exactly key-name, plus the ids given explicitly (previous-key-id,
 * key-id-variable). A key of another name is replaced only when its id was given explicitly; an
 * explicit id missing from the list is kept as a bare id (a delete answers 404, reported as such).
 */
export function findPreviousKeys(
  keyName: string,
  explicit: readonly ExplicitId[],
  keepPrevious: number,
  listing: KeyListing,
): PreviousKeys {
  const notes: string[] = []
  const byId = new Map<number, CapgoKey>()
  for (const key of listing.keys) if (key.name === keyName) byId.set(key.id, key)
  for (const { id, source } of explicit) {
    if (byId.has(id)) continue
    const listed = listing.keys.find((k) => k.id === id)
    if (!listed)
      notes.push(`${source} ${id} is not among the Capgo keys the managing key can see; it may be gone already.`)
    byId.set(id, listed ?? bareKey(id))
  }
  // The managing key is refused in preflight (managingKeyProblems); never replaced, whatever the caller did.
  const replaced = [...byId.values()].filter((key) => !key.isManagingKey).sort(newestFirst)
  return { replaced, kept: replaced.slice(0, keepPrevious), retired: replaced.slice(keepPrevious), notes }
}

export type RegenerateChoice =
  | {
      readonly ok: true
      readonly id: number
      /** Its row, when the list had it. */
      readonly key: CapgoKey | undefined
      /** The other keys of the rotation, left alive as the grace window (keep-previous). */
      readonly kept: readonly CapgoKey[]
    }
  | { readonly ok: false; readonly problem: string }

export interface RegenerateInput {
  readonly keyName: string
  /** previous-key-id: regenerate exactly this key (an emergency, say). */
  readonly previousKeyId: number | undefined
  /** key-id-variable's value: the key the secrets hold now. */
  readonly rememberedId: number | undefined
  readonly keepPrevious: number
  readonly listing: KeyListing
}

/**
 * The key a regenerate acts on. With keep-previous N the rotation owns N+1 keys of its name and
 * regenerates the one regenerated longest ago (`updated_at`, bumped by every regenerate), never
 * the one the secrets hold now (key-id-variable, when set): the value the secrets held until now
 * keeps working until the next run.
 */
export function chooseKeyToRegenerate(input: RegenerateInput): RegenerateChoice {
  const { keyName, keepPrevious, listing } = input
  const row = (id: number) => listing.keys.find((k) => k.id === id)
  if (input.previousKeyId !== undefined)
    return { ok: true, id: input.previousKeyId, key: row(input.previousKeyId), kept: [] }
  if (keepPrevious === 0 && input.rememberedId !== undefined)
    return { ok: true, id: input.rememberedId, key: row(input.rememberedId), kept: [] }

  const named = listing.keys.filter((k) => k.name === keyName && !k.isManagingKey)
  const needed = keepPrevious + 1
  if (named.length === 0) return { ok: false, problem: noKeyToRegenerate(keyName, needed) }
  if (named.length < needed) {
    return {
      ok: false,
      problem:
        `keep-previous: ${keepPrevious} regenerates in turn ${needed} keys named '${keyName}', and Capgo has ${named.length} ` +
        `(id ${ids(named)}): create ${needed - named.length} more with exactly that name and the same role and apps ` +
        `(Capgo dashboard, ${CAPGO_KEYS_PAGE}), then run again.`,
    }
  }
  if (named.length > needed) {
    return {
      ok: false,
      problem:
        `${named.length} Capgo keys are named '${keyName}' (ids ${ids(named)}), and keep-previous: ${keepPrevious} uses exactly ${needed}: ` +
        `delete ${named.length - needed} of them in Capgo, set keep-previous: ${named.length - 1}, or set previous-key-id to the one to regenerate.`,
    }
  }
  const current = keepPrevious > 0 ? input.rememberedId : undefined
  const candidates = named.filter((k) => k.id !== current)
  const chosen = [...candidates].sort(leastRecentlyRegeneratedFirst)[0]!
  return { ok: true, id: chosen.id, key: chosen, kept: named.filter((k) => k.id !== chosen.id) }
}

/** The first run on hosted Capgo: a person must create the key once; say exactly what to create. */
function noKeyToRegenerate(keyName: string, count: number): string {
  const keys = count === 1 ? 'an API key' : `${count} API keys (keep-previous: ${count - 1})`
  return (
    `There is no Capgo key named '${keyName}' to regenerate. On hosted Capgo (api.capgo.app) an API key cannot create keys, ` +
    `so create ${keys} once in the Capgo dashboard (${CAPGO_KEYS_PAGE}): name exactly '${keyName}', the role the secret is for ` +
    '(for uploads: app_uploader, on the apps it may upload to; there, not key-mode or limited-to-*, sets its rights), then run again. ' +
    'Or set previous-key-id to the id of the key the secret holds now. On classic or self-hosted Capgo, strategy create (or auto) creates the key itself.'
  )
}

const MODE_RANK: Record<string, number> = { read: 0, upload: 1, write: 2, all: 3 }

/**
 * The rights a key to regenerate has beyond what the rotation is for (its mode above key-mode on
 * classic, global permissions on current), in words; undefined when nothing stands out.
 */
export function excessRights(key: Pick<CapgoKey, 'mode' | 'globalPermissions'>, keyMode: KeyMode): string | undefined {
  const parts: string[] = []
  const rank = key.mode === undefined ? undefined : MODE_RANK[key.mode]
  if (key.mode !== undefined && (rank === undefined || rank > MODE_RANK[keyMode]!))
    parts.push(`mode ${key.mode} (key-mode is ${keyMode})`)
  if (key.globalPermissions.length > 0)
    parts.push(`global permissions ${key.globalPermissions.join(', ')} (an organization admin key)`)
  return parts.length > 0 ? parts.join(' and ') : undefined
}

function ids(keys: readonly CapgoKey[]): string {
  return keys.map((k) => k.id).join(', ')
}

function time(value: string | undefined): number {
  const parsed = value ? Date.parse(value) : Number.NaN
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed
}

// Regenerated longest ago first: updated_at (else created_at); unknown times count as oldest; then lower id.
export function leastRecentlyRegeneratedFirst(a: CapgoKey, b: CapgoKey): number {
  const at = time(a.updatedAt ?? a.createdAt)
  const bt = time(b.updatedAt ?? b.createdAt)
  if (at !== bt) return at < bt ? -1 : 1
  return a.id - b.id
}

// Newest by creation time; without one, a higher id is newer; ids the list did not have are oldest.
function newestFirst(a: CapgoKey, b: CapgoKey): number {
  const at = a.createdAt ? Date.parse(a.createdAt) : Number.NaN
  const bt = b.createdAt ? Date.parse(b.createdAt) : Number.NaN
  if (!Number.isNaN(at) && !Number.isNaN(bt) && at !== bt) return bt - at
  if (Number.isNaN(at) !== Number.isNaN(bt)) return Number.isNaN(at) ? 1 : -1
  return b.id - a.id
}

function bareKey(id: number): CapgoKey {
  return {
    id,
    name: '',
    mode: undefined,
    globalPermissions: [],
    createdAt: undefined,
    updatedAt: undefined,
    expiresAt: undefined,
    isManagingKey: false,
  }
}
