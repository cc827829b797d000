import { CapgoError, type CapgoKey, type KeyListing } from './capgo-client.js'
import { settleAll } from './concurrency.js'
import { errorMessage } from './error-message.js'
import { leftoversNeedLease, noLeftoversRetired, previousKeyDeleteRefused, previousKeyNotFound } from './explain.js'
import type { Leftovers } from './leftovers.js'
import { canRetire, type PreviousKeys } from './previous-keys.js'
import type { RotationDeps } from './rotation-types.js'

// Step 7 of docs/contract.md: where earlier keys die. Which ones is decided elsewhere
// (previous-keys.ts after a create, leftovers.ts on a run that is not due); here they are deleted,
// only once every target holds the new key, and each delete's outcome is kept apart: deleted,
// already gone (404), refused (the key stays alive), or failed.

/** What became of the earlier keys of a rotation. Ids in the order of the keys given. */
export interface Retirement {
  /** The newest keep-previous: left alive on purpose. */
  readonly kept: readonly number[]
  readonly deleted: readonly number[]
  /** 404: already gone, or not visible to the managing key. Not counted as deleted. */
  readonly notFound: readonly number[]
  /** 401/403: Capgo refused (the managing key itself, or not ours to manage); they stay alive. */
  readonly refused: readonly number[]
  /** Deletes that failed otherwise: still alive, a re-run retires them. */
  readonly failed: readonly { readonly id: number; readonly error: string }[]
  /** Set when no key was deleted because the list could not tell the managing key apart (canRetire). */
  readonly unsafe: { readonly reason: string; readonly ids: readonly number[] } | undefined
}

export async function retirePreviousKeys(
  previous: Pick<PreviousKeys, 'kept' | 'retired'>,
  newId: number,
  listing: KeyListing,
  deps: Pick<RotationDeps, 'capgo' | 'log'>,
  concurrency: number,
  keepPrevious: number,
): Promise<Retirement> {
  const kept = previous.kept.map((k) => k.id)
  for (const key of previous.kept)
    deps.log.info(`Keeping previous key ${key.id} alive (keep-previous: ${keepPrevious}).`)
  const doomed = previous.retired.filter((k) => k.id !== newId)
  const retirement = { kept, deleted: [] as number[], notFound: [] as number[], refused: [] as number[] }
  const unsafe = doomed.length > 0 ? canRetire(listing) : undefined
  if (unsafe) return { ...retirement, failed: [], unsafe: { reason: unsafe, ids: doomed.map((k) => k.id) } }
  const results = await settleAll(doomed, concurrency, (key) => deps.capgo.deleteKey(key.id))
  const failed: { id: number; error: string }[] = []
  doomed.forEach((key: CapgoKey, index) => {
    const result = results[index]!
    if (result.ok && result.value === 'deleted') {
      retirement.deleted.push(key.id)
      deps.log.info(`Deleted previous key ${key.id}.`)
    } else if (result.ok) {
      // Capgo answers 404 alike for a key that is gone and for one the managing key may not see.
      retirement.notFound.push(key.id)
      deps.log.warning(previousKeyNotFound(key.id))
    } else if (result.error instanceof CapgoError && (result.error.status === 401 || result.error.status === 403)) {
      // Current Capgo refuses to delete the managing key itself, or a key outside its organizations.
      retirement.refused.push(key.id)
      deps.log.warning(previousKeyDeleteRefused(key.id, result.error.status, result.error.code))
    } else {
      failed.push({ id: key.id, error: errorMessage(result.error) })
    }
  })
  return { ...retirement, failed, unsafe: undefined }
}

/** What a run that is not due did about the keys a failed run left alive. */
export type LeftoverRetirement =
  /** Nothing to retire, or leftovers.ts could not prove it safe. */
  | { readonly kind: 'none' }
  /** Leftovers exist, but without the lease the proof does not hold: the next due rotation retires them. */
  | { readonly kind: 'unguarded'; readonly ids: readonly number[] }
  /** A dry run: what would be retired. */
  | { readonly kind: 'planned'; readonly newest: CapgoKey; readonly retire: PreviousKeys }
  | {
      readonly kind: 'retired'
      readonly newest: CapgoKey
      readonly retire: PreviousKeys
      readonly retirement: Retirement
    }

/** A run that is not due: retires what a failed run left alive, when leftovers.ts proves it safe. */
export async function retireLeftovers(
  leftovers: Leftovers,
  listing: KeyListing,
  deps: Pick<RotationDeps, 'capgo' | 'log' | 'lease'>,
  options: { readonly dryRun: boolean; readonly keepPrevious: number; readonly concurrency: number },
): Promise<LeftoverRetirement> {
  if ('reason' in leftovers) {
    deps.log.debug(noLeftoversRetired(leftovers.reason))
    return { kind: 'none' }
  }
  const { newest, retire } = leftovers
  if (retire.retired.length === 0 && retire.kept.length === 0) return { kind: 'none' }
  // The proof is by timestamps, sound only while runs are kept apart: without the lease, an
  // overlapping run may have written an earlier key after the newest was issued.
  if (!options.dryRun && !deps.lease?.held) {
    if (retire.retired.length === 0) return { kind: 'none' }
    const ids = retire.retired.map((k) => k.id)
    deps.log.info(leftoversNeedLease(ids))
    return { kind: 'unguarded', ids }
  }
  if (options.dryRun) return { kind: 'planned', newest, retire }
  deps.log.info(
    `Every target holds key ${newest.id}, the newest of this rotation: retiring the earlier keys an earlier run left alive.`,
  )
  const retirement = await retirePreviousKeys(
    retire,
    newest.id,
    listing,
    deps,
    options.concurrency,
    options.keepPrevious,
  )
  return { kind: 'retired', newest, retire, retirement }
}
