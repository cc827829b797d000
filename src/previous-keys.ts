import type { CapgoKey, KeyListing } from './capgo-client.js'

// Which earlier keys a rotation replaces, which of them keep-previous leaves alive, and which key
// a regenerate acts on. Pure decisions over the preflight list: no requests here.

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
  /** Things worth a warning (an id not in the list, the managing key named explicitly). */
  readonly notes: readonly string[]
}

/**
 * Earlier keys are every key named exactly key-name, plus the ids given explicitly (previous-key-id,
 * key-id-variable). A key of another name is replaced only when its id was given explicitly; an
 * explicit id missing from the list is kept as a bare id (deleting it is harmless: 404 = gone).
 */
export function findPreviousKeys(keyName: string, explicit: readonly ExplicitId[], keepPrevious: number, listing: KeyListing): PreviousKeys {
  const notes: string[] = []
  const byId = new Map<number, CapgoKey>()
  for (const key of listing.keys) if (key.name === keyName) byId.set(key.id, key)
  for (const { id, source } of explicit) {
    if (byId.has(id)) continue
    const listed = listing.keys.find((k) => k.id === id)
    if (!listed) notes.push(`${source} ${id} is not among the Capgo keys the managing key can see; it may be gone already.`)
    byId.set(id, listed ?? bareKey(id))
  }
  const replaced: CapgoKey[] = []
  for (const key of byId.values()) {
    if (key.isManagingKey) notes.push(`Key ${key.id} is the managing key (capgo-api-key): this action never deletes or regenerates it.`)
    else replaced.push(key)
  }
  replaced.sort(newestFirst)
  return { replaced, kept: replaced.slice(0, keepPrevious), retired: replaced.slice(keepPrevious), notes }
}

/** The id to regenerate, or a sentence saying why there is none and how to give one. */
export function chooseKeyToRegenerate(keyName: string, explicit: ExplicitId | undefined, listing: KeyListing): number | string {
  if (explicit !== undefined) {
    if (listing.keys.find((k) => k.id === explicit.id)?.isManagingKey) {
      return `${explicit.source} ${explicit.id} is the managing key (capgo-api-key) itself, which must not be regenerated: give the id of the key the secret holds.`
    }
    return explicit.id
  }
  const named = listing.keys.filter((k) => k.name === keyName && !k.isManagingKey)
  if (named.length === 1) return named[0]!.id
  if (named.length === 0) {
    return (
      `Regenerating needs the key to regenerate, and no Capgo key is named '${keyName}'. ` +
      `In Capgo, create an upload key named '${keyName}' (or set previous-key-id to the id of the key the secret holds now), then run again.`
    )
  }
  return (
    `Regenerating needs one key, and ${named.length} Capgo keys are named '${keyName}' (ids ${named.map((k) => k.id).join(', ')}): ` +
    'set previous-key-id to the one to regenerate, and delete the others in Capgo.'
  )
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
  return { id, name: '', mode: undefined, createdAt: undefined, expiresAt: undefined, isManagingKey: false }
}
