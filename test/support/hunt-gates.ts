import type { CapgoApi } from '../../src/capgo-client.js'
import type { SecretStore } from '../../src/github-secret-store.js'
import type { TargetRef } from '../../src/targets.js'
import type { RotationDeps } from '../../src/rotation.js'

// Orderings of two overlapping runs, made deterministic: a run's Capgo or GitHub calls wait at a
// gate until the other run has reached a given point. Used by test/findings.test.ts to replay
// what the hunt found with random latencies.

export interface Deferred {
  readonly promise: Promise<void>
  resolve(): void
}

export function deferred(): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

export interface Gates {
  /** Awaited before the run lists the Capgo keys. */
  readonly beforeList?: () => Promise<void>
  /** Called once the list has answered. */
  readonly afterList?: () => void
  /** Awaited before the run creates or regenerates its key. */
  readonly beforeIssue?: () => Promise<void>
  /** Called once the new key is issued. */
  readonly afterIssue?: () => void
  /** Awaited before the run writes a target. */
  readonly beforeWrite?: (ref: TargetRef) => Promise<void>
  /** Called once a target's write has answered. */
  readonly afterWrite?: (ref: TargetRef) => void
}

export function gated(gates: Gates): (deps: RotationDeps) => RotationDeps {
  return (deps) => ({ ...deps, capgo: gateCapgo(deps.capgo, gates), store: gateStore(deps.store, gates) })
}

function gateCapgo(capgo: CapgoApi, gates: Gates): CapgoApi {
  return {
    listKeys: async () => {
      await gates.beforeList?.()
      const listing = await capgo.listKeys()
      gates.afterList?.()
      return listing
    },
    createKey: async (request) => {
      await gates.beforeIssue?.()
      const key = await capgo.createKey(request)
      gates.afterIssue?.()
      return key
    },
    regenerateKey: async (id, expiresAt) => {
      await gates.beforeIssue?.()
      const key = await capgo.regenerateKey(id, expiresAt)
      gates.afterIssue?.()
      return key
    },
    deleteKey: (id) => capgo.deleteKey(id),
  }
}

function gateStore(store: SecretStore, gates: Gates): SecretStore {
  return {
    prepare: async (ref, options) => {
      const target = await store.prepare(ref, options)
      return {
        ...target,
        write: async (value) => {
          await gates.beforeWrite?.(ref)
          const result = await target.write(value)
          gates.afterWrite?.(ref)
          return result
        },
      }
    },
  }
}
