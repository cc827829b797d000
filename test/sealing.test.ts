import sodium from 'libsodium-wrappers'
import { beforeAll, describe, expect, it } from 'vitest'
import { seal } from '../src/sealing.js'

describe('seal', () => {
  beforeAll(async () => {
    await sodium.ready
  })

  it('opens with crypto_box_seal_open and the target key pair', async () => {
    const pair = sodium.crypto_box_keypair()
    const publicKey = sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL)
    const sealed = await seal('a1b2c3d4-e5f6-4711-8899-aabbccddeeff', publicKey)
    const opened = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
      pair.publicKey,
      pair.privateKey,
    )
    expect(sodium.to_string(opened)).toBe('a1b2c3d4-e5f6-4711-8899-aabbccddeeff')
  })

  it('emits standard padded base64, as GitHub requires', async () => {
    const pair = sodium.crypto_box_keypair()
    // 3 + 48 bytes of overhead: the sealed length is not a multiple of 3, so padding must show.
    const sealed = await seal('x', sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL))
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(sealed.length % 4).toBe(0)
    expect(sealed.endsWith('=')).toBe(true)
  })

  it('does not open with another key pair', async () => {
    const target = sodium.crypto_box_keypair()
    const other = sodium.crypto_box_keypair()
    const sealed = await seal('value', sodium.to_base64(target.publicKey, sodium.base64_variants.ORIGINAL))
    expect(() =>
      sodium.crypto_box_seal_open(
        sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
        other.publicKey,
        other.privateKey,
      ),
    ).toThrow()
  })
})
