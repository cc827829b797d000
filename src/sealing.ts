// GitHub's recipe for secret values: a libsodium sealed box against the target's public key, in
// standard (padded, non-URL-safe) base64. libsodium is loaded on first use, in its own chunk of
// the bundle: a dry run never pays for it, and a rotation starts loading it (initSodium) while
// its preflight requests are in flight, so that nothing but sealing sits between Capgo's answer
// and the writes. The default import is deliberate: named imports type-check but are undefined at
// run time in the ESM bundle.

type Sodium = typeof import('libsodium-wrappers').default

let loading: Promise<Sodium> | undefined
/** Set once loaded, so that sealing then takes no turn of the event loop. */
let loaded: Sodium | undefined

/** Loads and initialises libsodium once; safe to call early to overlap it with network waits. */
export function initSodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers').then(async ({ default: sodium }) => {
    await sodium.ready
    // The first seal runs colder code (about 1 ms more, up to 4 on a busy machine): pay for it
    // here, during the wait, rather than between the new key's arrival and the first write.
    sodium.crypto_box_seal(new Uint8Array(1), sodium.crypto_box_keypair().publicKey)
    loaded = sodium
    return sodium
  })
  return loading
}

export async function seal(value: string, publicKeyBase64: string): Promise<string> {
  const sodium = loaded ?? (await initSodium())
  const publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
