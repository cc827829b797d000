import type { CapgoApi, CapgoKey, IssuedKey } from './capgo-client.js'
import { errorMessage } from './error-message.js'

// After a regenerate and its writes: was the key regenerated again meanwhile (an overlapping run,
// or a person in the dashboard)? If so the value just written is already dead, and a write that
// landed after the other run's may have overwritten its live value. The key list's row tells:
// its updated_at moves with every regenerate. Returns the failure to report, if any.

export async function checkNotRegeneratedAgain(
  capgo: CapgoApi,
  key: IssuedKey,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const ours = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN
  if (Number.isNaN(ours)) return undefined // this Capgo does not say when; the lease is the guard then
  let row: CapgoKey | undefined
  try {
    row = (await capgo.listKeys()).keys.find((k) => k.id === key.id)
  } catch (error) {
    warn(`Could not check that key ${key.id} was not regenerated again by another run (${errorMessage(error)}).`)
    return undefined
  }
  const now = row?.updatedAt ? Date.parse(row.updatedAt) : Number.NaN
  if (row && (Number.isNaN(now) || now <= ours)) return undefined
  const what = row
    ? `was regenerated again at ${row.updatedAt}, after this run regenerated it at ${key.updatedAt}`
    : "is no longer in Capgo's list (deleted?)"
  return (
    `key ${key.id} ${what}: another run or a person acted on it meanwhile, so the value this run wrote may no longer work. ` +
    `Run again (with a concurrency group, or once the other run is done): a re-run regenerates it and writes every target.`
  )
}
