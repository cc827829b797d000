import type { CapgoApi, IssuedKey, KeyListing } from './capgo-client.js'
import type { OrgAccess, SecretStore } from './github-secret-store.js'
import type { TargetRef } from './targets.js'
import type { KeyIdVariable, VariableWrite } from './key-id-variable.js'
import type { Lease } from './lease.js'

// The rotation's public types: what it runs against (RotationDeps) and what it reports
// (RotationReport, read by report.ts, summary.ts and main.ts).

export interface Logger {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export interface RotationDeps {
  readonly capgo: CapgoApi
  readonly store: SecretStore
  /** Present when key-id-variable is set. */
  readonly variable: KeyIdVariable | undefined
  /** Keeps overlapping runs of this rotation apart (lease.ts); absent, the run is unguarded. */
  readonly lease?: Lease | undefined
  readonly log: Logger
  readonly now?: () => Date
  /** Targets read at once (preflight). */
  readonly readConcurrency?: number
  /** Targets written, and keys deleted, at once. */
  readonly writeConcurrency?: number
  /** An opt-in step after a successful rotation: the managing-key renewal (src/managing-key.ts). */
  readonly followUp?: FollowUpStep
}

/** A step that runs only after the rotation succeeded; its reads join preflight's, its checks too. */
export interface FollowUpStep {
  /** Reads sent at once with the preflight's. */
  preflight(): Promise<void>
  /** Problems in the preflight list that must stop the run before anything changes. */
  check(listing: KeyListing): string[]
  /** What it would do, for a dry run's plan. */
  plan(): string[]
  /** Runs it; returns what failed, if anything. Whatever it returns, the rotation's result stands. */
  run(): Promise<string | undefined>
}

export type TargetResult = 'created' | 'updated' | 'planned' | 'skipped' | 'failed'

export interface TargetOutcome {
  readonly ref: TargetRef
  readonly result: TargetResult
  /** Id of the key this target holds after the run, when known. */
  readonly holdsKeyId: number | undefined
  /** A write whose outcome stayed unknown: the target holds this key or its previous value. */
  readonly mayHoldKeyId?: number | undefined
  /** For an organization target: the visibility written (or planned). */
  readonly orgAccess: OrgAccess | undefined
  /** The secret as preflight saw it: its last update, null when it did not exist, undefined when not read. */
  readonly before: { readonly updatedAt: string | undefined } | null | undefined
  readonly error: string | undefined
}

export type DoneStrategy = 'create' | 'regenerate'

/** A key Capgo issued, and how. */
export interface Issued {
  readonly strategy: DoneStrategy
  readonly key: IssuedKey
}

export interface RotationReport {
  readonly dryRun: boolean
  /** A new secret was written to at least one target. */
  rotated: boolean
  /** What was done (or, on a dry run, what would be done first). */
  strategy: DoneStrategy | undefined
  /** The plan in words, for a dry run and the summary. */
  readonly plan: string[]
  /** The key the targets now hold; `key` is its plaintext, already masked. */
  newKey: IssuedKey | undefined
  /** On a dry run, these three say what would be replaced, deleted and kept. */
  previousKeyIds: number[]
  deletedKeyIds: number[]
  keptKeyIds: number[]
  /** Ids whose delete answered 404: already gone, or not visible to the managing key. Not counted as deleted. */
  notFoundKeyIds: number[]
  targets: TargetOutcome[]
  rotatedAt: string | undefined
  /** rotate-after-days: when this run skipped, when the next rotation is due. */
  nextDueAt: string | undefined
  variable: { readonly name: string; result: VariableWrite | 'planned' | 'failed' } | undefined
  /** Set when the run must fail after it changed something; the report says what it left behind. */
  failure: string | undefined
}
