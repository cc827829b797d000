import sodium from 'libsodium-wrappers'

// GitHub's recipe for secret values: a libsodium sealed box against the target's public key, in
// standard (padded, non-URL-safe) base64. `import sodium from` is deliberate: named imports
// type-check but are undefined at run time in the ESM bundle.

let ready: Promise<void> | undefined

/** Starts libsodium's initialisation (idempotent), so it can overlap network round trips. */
export function initSodium(): Promise<void> {
  ready ??= sodium.ready
  return ready
}

export async function seal(value: string, publicKeyBase64: string): Promise<string> {
  await initSodium()
  const publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
