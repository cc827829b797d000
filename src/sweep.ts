import type { CapgoApi } from './capgo-client.js'
import { READ_CONCURRENCY, settleAll } from './concurrency.js'
import { errorMessage } from './error-message.js'
import type { PreparedTarget } from './github-secret-store.js'
import type { Lease } from './lease.js'

// After a create whose answer was lost, a key of that name which the preflight list did not have
// may be the create's own, left held by no secret: it must go (no orphan). It may also be another
// run's: one that finished between this run's preflight list and the moment this run took the
// lease (the two go out at once, and taking the lease can take a timeout and a retry), and whose
// secrets hold it. So a stray is deleted only while this run holds the lease, and only when every
// secret such a run would have written is proven unchanged since this run's preflight began
// (write-verification.ts judges it, as it judges a lost write).

export type Sweep =
  | { readonly kind: 'none' }
  /** Keys appeared, but without the lease they may be another run's. */
  | { readonly kind: 'unguarded'; readonly ids: readonly number[] }
  /** Keys appeared, and a secret changed since the preflight (or could not be proven unchanged). */
  | { readonly kind: 'written-since'; readonly ids: readonly number[]; readonly reason: string }
  | { readonly kind: 'deleted'; readonly ids: readonly number[] }
  | { readonly kind: 'unknown'; readonly error: string }

export interface SweepInput {
  readonly capgo: CapgoApi
  /** The name the lost create used. */
  readonly name: string
  /** Ids the preflight list had. */
  readonly known: ReadonlySet<number>
  readonly lease: Lease | undefined
  /** The secrets another run of this rotation would have written. */
  readonly secrets: readonly PreparedTarget[]
  /** Local time (github-clock.ts localNow) when this run's preflight began. */
  readonly since: number
}

export async function sweepStrays(input: SweepInput): Promise<Sweep> {
  const { capgo, name, known, lease, secrets, since } = input
  try {
    const after = await capgo.listKeys()
    const strays = after.keys.filter((k) => k.name === name && !known.has(k.id) && !k.isManagingKey)
    if (strays.length === 0) return { kind: 'none' }
    const ids = strays.map((k) => k.id)
    if (!lease?.held) return { kind: 'unguarded', ids }
    const checks = await settleAll(secrets, READ_CONCURRENCY, (secret) => secret.verifyWrite(since))
    for (const check of checks) {
      if (!check.ok) return { kind: 'written-since', ids, reason: errorMessage(check.error) }
      if (check.value.state !== 'not-applied')
        return {
          kind: 'written-since',
          ids,
          reason: check.value.state === 'applied' ? 'a secret was written since' : check.value.reason,
        }
    }
    for (const id of ids) await capgo.deleteKey(id)
    return { kind: 'deleted', ids }
  } catch (error) {
    return { kind: 'unknown', error: errorMessage(error) }
  }
}
