import type { CapgoApi, CapgoKey, IssuedKey } from './capgo-client.js'
import { errorMessage } from './error-message.js'
import { regenerateCheckFailed } from './explain.js'

// After a regenerate and its writes: was the key regenerated again meanwhile (an overlapping run,
// or a person in the dashboard)? If so the value just written is already dead, and a write that
// landed after the other run's may have overwritten its live value. The key list's row tells:
// its updated_at moves with every regenerate. Returns what it found, if anything (explain.ts words it).

export type RegeneratedAgain =
  | { readonly kind: 'regenerated-again'; readonly id: number; readonly ours: string; readonly theirs: string }
  | { readonly kind: 'gone'; readonly id: number }

export async function checkNotRegeneratedAgain(
  capgo: CapgoApi,
  key: IssuedKey,
  warn: (message: string) => void,
): Promise<RegeneratedAgain | undefined> {
  const ours = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN
  if (!key.updatedAt || Number.isNaN(ours)) return undefined // this Capgo does not say when; the lease is the guard then
  let row: CapgoKey | undefined
  try {
    row = (await capgo.listKeys()).keys.find((k) => k.id === key.id)
  } catch (error) {
    warn(regenerateCheckFailed(key.id, errorMessage(error)))
    return undefined
  }
  if (!row) return { kind: 'gone', id: key.id }
  const now = row.updatedAt ? Date.parse(row.updatedAt) : Number.NaN
  if (!row.updatedAt || Number.isNaN(now) || now <= ours) return undefined
  return { kind: 'regenerated-again', id: key.id, ours: key.updatedAt, theirs: row.updatedAt }
}
