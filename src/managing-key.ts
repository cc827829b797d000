import { CapgoError, type CapgoApi, type CapgoKey, type IssuedKey, type KeyListing } from './capgo-client.js'
import { expiryClock, type ExpiryClock, expiryProblem, minimumLifetimeMs, newExpiry } from './expiry.js'
import type { ExistingSecret, PreparedTarget, SecretStore } from './github-secret-store.js'
import { CAPGO_KEYS_PAGE, leastRecentlyRegeneratedFirst } from './previous-keys.js'
import type { FollowUpStep, Logger } from './rotation.js'
import type { Settings } from './settings.js'
import type { RepositoryTargetRef } from './targets.js'
import { checkFailedWrite } from './write-verification.js'
import { errorMessage } from './error-message.js'
import { onCancel } from './cancellation.js'
import { localNow } from './github-clock.js'
import type { Lease } from './lease.js'
import { sweepStrays } from './sweep.js'

// The opt-in renewal of the managing key (capgo-api-key) after a successful rotation, stored in
// managing-key-secret. The invariant: that secret never holds a dead key. Per generation
// (docs/capgo-api.md):
// - classic: the managing key's row is known (key or key_hash). Create its successor (same name
//   and scope, mode all), prove it with a list of its own, store it, and delete the old key last.
// - current: a key cannot act on itself (401 cannot_update_apikey), so the user keeps two managing
//   keys of one name. Each run regenerates the one it is not using and stores that; the key used
//   in the run stays valid until the next run regenerates it in turn.
// The secret is written through the same store as the targets (github-secret-store.ts), and a
// write whose outcome is unknown is judged as theirs are (write-verification.ts); unverified, no
// key is given up.

export type ManagingKeyStatus = 'not-run' | 'planned' | 'renewed' | 'failed'

export interface ManagingKeyOutcome {
  status: ManagingKeyStatus
  /** Where the managing key is stored, in words. */
  readonly where: string
  generation: 'classic' | 'current' | undefined
  /** Id of the key the secret holds after the run, when known. */
  storedKeyId: number | undefined
  /** Classic: the old managing key, deleted last. */
  retiredKeyId: number | undefined
}

export interface ManagingKeyDeps {
  readonly settings: Settings
  /** Capgo as capgo-api-key. */
  readonly capgo: CapgoApi
  /** Capgo as another key: the proof that a new managing key works. */
  readonly clientFor: (apiKey: string) => CapgoApi
  /** Where managing-key-secret is stored (targets.ts, managingKeyTarget). */
  readonly secret: RepositoryTargetRef
  /** Where it is written: the rotation's own store, whose clock the rotation's answers fed. */
  readonly store: SecretStore
  readonly log: Logger
  readonly now?: () => Date
  /** The rotation's lease, which covers the renewal too: a lost create's sweep deletes only under it. */
  readonly lease?: Lease | undefined
}

/** managing-key-secret in words, for the log and the summary. */
export function managingSecretWhere(ref: RepositoryTargetRef): string {
  return ref.kind === 'repository'
    ? `repository secret ${ref.secret} of ${ref.owner}/${ref.repo}`
    : `environment secret ${ref.secret} of ${ref.owner}/${ref.repo} environment '${ref.environment}'`
}

/** How storing the new managing key ended; `failure` says why it is not (known to be) stored. */
type Stored =
  | { readonly state: 'written' }
  | { readonly state: 'not-written'; readonly failure: string }
  | { readonly state: 'unverified'; readonly failure: string; readonly reason: string }

/** The default name of the current-Capgo pair, derived like key-name's default. */
export function managingKeyName(
  settings: Pick<Settings, 'workflowRepository' | 'managingKeySecret' | 'managingKeyEnvironment'>,
): string {
  const repo = settings.workflowRepository
  const env = settings.managingKeyEnvironment !== undefined ? `${settings.managingKeyEnvironment}:` : ''
  return `github-actions:${repo?.owner}/${repo?.repo}:${env}${(settings.managingKeySecret ?? '').toUpperCase()}`
}

/** How far the classic renewal got, for a cancel: what it may undo, and what it must only name. */
interface CancelPhase {
  at: 'creating' | 'writing' | 'stored' | 'cancelled'
  fresh: number | undefined
}

function cancelled(phase: CancelPhase): boolean {
  return phase.at === 'cancelled'
}

type Plan =
  | { readonly generation: 'classic'; readonly self: CapgoKey; readonly known: ReadonlySet<number> }
  | { readonly generation: 'current'; readonly name: string; readonly pair: readonly [CapgoKey, CapgoKey] }

export class ManagingKeyRenewal implements FollowUpStep {
  readonly outcome: ManagingKeyOutcome
  private plannedStep: Plan | undefined
  /** managing-key-secret, prepared in preflight: its public key and its metadata. */
  private target: PreparedTarget | undefined
  /** Local time the renewal's preflight began: a lost create's sweep judges the secret against it. */
  private preflightStartedAt = localNow()
  private readonly where: string
  private readonly clock: ExpiryClock

  constructor(private readonly deps: ManagingKeyDeps) {
    // Expiry meets two clocks, the runner's and Capgo's (expiry.ts).
    this.clock = expiryClock(deps.now ?? (() => new Date()), () => deps.capgo.now?.())
    this.where = managingSecretWhere(deps.secret)
    this.outcome = {
      status: 'not-run',
      where: this.where,
      generation: undefined,
      storedKeyId: undefined,
      retiredKeyId: undefined,
    }
  }

  async preflight(): Promise<void> {
    this.preflightStartedAt = localNow()
    this.target = await this.deps.store.prepare(this.deps.secret, { readExisting: true })
  }

  check(listing: KeyListing): string[] {
    const { settings } = this.deps
    const self = listing.keys.find((k) => k.isManagingKey)
    if (self) {
      this.plannedStep = { generation: 'classic', self, known: new Set(listing.keys.map((k) => k.id)) }
      this.outcome.generation = 'classic'
      return []
    }
    if (listing.generation !== 'current') {
      // Regenerating in turn is only safe where a key cannot regenerate itself: on a Capgo that
      // does not say which key is the caller, the run could kill the very key the secret holds.
      return [
        `managing-key-secret: Capgo's key list neither shows which key is capgo-api-key (classic Capgo does) nor looks like ` +
          'current Capgo, so the managing key cannot be renewed safely here: remove managing-key-secret, or check capgo-api-url.',
      ]
    }
    this.outcome.generation = 'current'
    const name = managingKeyName(settings)
    const problems: string[] = []
    if (settings.keyName === name)
      problems.push(
        `key-name '${name}' is the name of the managing keys (managing-key-secret): give the rotated key a name of its own.`,
      )
    const pair = listing.keys.filter((k) => k.name === name)
    if (settings.previousKeyId !== undefined && pair.some((k) => k.id === settings.previousKeyId)) {
      problems.push(
        `previous-key-id ${settings.previousKeyId} is one of the managing keys named '${name}': give the id of the key the secret holds.`,
      )
    }
    if (pair.length !== 2) {
      problems.push(pairProblem(name, pair, this.where))
      return problems
    }
    if (settings.expiresInDays === undefined) {
      for (const key of pair) {
        if (expiryProblem(key.expiresAt, this.clock.judgeAt(), minimumLifetimeMs(settings.rotateAfterDays))) {
          problems.push(
            `managing key ${key.id} expires at ${key.expiresAt}, before a next run could renew it again, and a regenerate keeps its ` +
              'expiry: set expires-in-days (1 to 365) to give the renewed managing key a new expiry.',
          )
        }
      }
    }
    this.plannedStep = { generation: 'current', name, pair: [pair[0]!, pair[1]!] }
    return problems
  }

  plan(): string[] {
    const step = this.plannedStep
    if (!step) return []
    this.outcome.status = 'planned'
    const expiry = this.deps.settings.expiresInDays
      ? `expires ${this.deps.settings.expiresInDays} days after the run`
      : 'no expiry'
    if (step.generation === 'classic') {
      return [
        `then renew the managing key ${step.self.id}: create a key of the same name and scope (mode all, ${expiry}), prove it works, ` +
          `store it in ${this.where}, and delete key ${step.self.id} last`,
      ]
    }
    return [
      `then renew the managing key: regenerate whichever of keys ${step.pair.map((k) => k.id).join(' and ')} ('${step.name}') ` +
        `capgo-api-key is not (${expiry}) and store it in ${this.where}; capgo-api-key stays valid until the next run`,
    ]
  }

  async run(): Promise<string | undefined> {
    const step = this.plannedStep
    if (!step) return undefined
    this.deps.log.info(`Renewing the managing key (managing-key-secret: ${this.where}).`)
    const failure = step.generation === 'classic' ? await this.renewClassic(step) : await this.renewCurrent(step)
    this.outcome.status = failure ? 'failed' : 'renewed'
    if (!failure)
      this.deps.log.info(`Managing key renewed: ${this.where} now holds Capgo key ${this.outcome.storedKeyId}.`)
    return failure && `Every target holds the new key, but renewing the managing key failed: ${failure}`
  }

  private async renewClassic(step: Extract<Plan, { generation: 'classic' }>): Promise<string | undefined> {
    // A cancelled run (cancellation.ts) exits within seconds: the new mode-all key must not be left
    // alive unheld (no later run retires it), nor the old one unnamed once the secret may hold the new.
    const phase: CancelPhase = { at: 'creating', fresh: undefined }
    const stop = onCancel(() => this.cancelClassic(step, phase))
    try {
      return await this.renewClassicSteps(step, phase)
    } finally {
      stop()
    }
  }

  private async cancelClassic(step: Extract<Plan, { generation: 'classic' }>, phase: CancelPhase): Promise<void> {
    const { self } = step
    const at = phase.at
    phase.at = 'cancelled'
    if (at === 'creating') {
      this.deps.log.warning(`Cancelled while renewing the managing key: ${await this.sweep(step)}`)
    } else if (at === 'writing') {
      this.deps.log.warning(
        `Cancelled while writing ${this.where}: it holds either the new managing key ${phase.fresh} or the old one (key ${self.id}), ` +
          `and both are alive. Once a run has succeeded with it, delete whichever of keys ${phase.fresh} and ${self.id} it does not hold (${CAPGO_KEYS_PAGE}).`,
      )
    } else if (at === 'stored') {
      this.deps.log.warning(
        `Cancelled before the old managing key was deleted: ${this.where} holds the new managing key ${phase.fresh}; delete key ${self.id} in Capgo (${CAPGO_KEYS_PAGE}) if it is still listed.`,
      )
    }
  }

  private async renewClassicSteps(
    step: Extract<Plan, { generation: 'classic' }>,
    phase: CancelPhase,
  ): Promise<string | undefined> {
    const { capgo, settings, log } = this.deps
    const { self } = step
    const kept = `capgo-api-key (key ${self.id}) still works and ${this.where} is unchanged; the next run tries again.`
    const expiresAt = newExpiry(settings.expiresInDays, this.clock.issueFrom())
    // The secret just before the write is read while Capgo creates the key: no extra round trip.
    const [before, created] = await Promise.all([
      this.rereadQuietly(),
      capgo
        .createKey({
          name: self.name,
          mode: 'all',
          limitedToApps: self.limitedToApps ?? [],
          limitedToOrgs: self.limitedToOrgs ?? [],
          expiresAt,
        })
        .then(
          (key) => ({ ok: true as const, key }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
    ])
    if (!created.ok) {
      const cause = errorMessage(created.error)
      // Never retried: a create whose answer was lost may have made a key. Sweep it up instead.
      if (created.error instanceof CapgoError && created.error.outcomeUnknown)
        return `${cause} ${await this.sweep(step)} ${kept}`
      return `${cause} ${kept}`
    }
    const fresh = created.key
    log.info(`Created Capgo key ${fresh.id} to succeed managing key ${self.id}.`)
    const undo = async (why: string): Promise<string> => `${why} ${await this.deleteQuietly(capgo, fresh.id)} ${kept}`

    const dead = expiryProblem(fresh.expiresAt, this.clock.judgeAt(), minimumLifetimeMs(settings.rotateAfterDays))
    if (dead)
      return undo(
        `Capgo answered with managing key ${fresh.id}, which ${dead === 'expired' ? 'is already expired' : 'expires before the next run'} (expires_at ${fresh.expiresAt}); it was not stored.`,
      )

    // The proof, before anything depends on the new key: Capgo answers a list made with it.
    const successor = this.deps.clientFor(fresh.key)
    try {
      await successor.listKeys()
    } catch (error) {
      return undo(`The new managing key ${fresh.id} does not work (${errorMessage(error)}), so it was not stored.`)
    }

    // Checked and set in one turn: a cancel from here on leaves the new key alone, since the write may land.
    if (cancelled(phase)) return `The run was cancelled; the new managing key ${fresh.id} was not stored. ${kept}`
    phase.at = 'writing'
    phase.fresh = fresh.id
    const stored = await this.store(fresh, before)
    if (stored.state === 'not-written') return undo(stored.failure)
    if (stored.state === 'unverified') {
      return (
        `${stored.failure} Whether ${this.where} holds the new managing key ${fresh.id} or still the old one (key ${self.id}) ` +
        `could not be verified (${stored.reason}), so both were left alive: check the secret's "Last updated" in the repository settings, and once a run ` +
        `has succeeded with it, delete whichever of keys ${fresh.id} and ${self.id} it does not hold.`
      )
    }
    this.outcome.storedKeyId = fresh.id
    if (!cancelled(phase)) phase.at = 'stored'

    // The very last request: the old managing key goes, asked by its proven successor.
    try {
      const deleted = await successor.deleteKey(self.id)
      this.outcome.retiredKeyId = self.id
      log.info(
        deleted === 'deleted'
          ? `Deleted the old managing key ${self.id}.`
          : `The old managing key ${self.id} was already gone.`,
      )
      return undefined
    } catch (error) {
      return (
        `${this.where} holds the new managing key ${fresh.id}, which works, but deleting the old managing key ${self.id} ` +
        `failed (${errorMessage(error)}): it may still be alive, and no later run retires it. Delete key ${self.id} in Capgo (${CAPGO_KEYS_PAGE}) if it is still listed.`
      )
    }
  }

  private async renewCurrent(step: Extract<Plan, { generation: 'current' }>): Promise<string | undefined> {
    const { capgo, settings, log } = this.deps
    const kept = `${this.where} still holds capgo-api-key, which stays valid; the next run tries again.`
    const expiresAt = newExpiry(settings.expiresInDays, this.clock.issueFrom())
    // The one regenerated longest ago is most likely the other; Capgo's 401 on itself settles it.
    const [first, second] = [...step.pair].sort(leastRecentlyRegeneratedFirst) as [CapgoKey, CapgoKey]
    const regenerate = async (): Promise<IssuedKey> => {
      try {
        return await capgo.regenerateKey(first.id, expiresAt)
      } catch (error) {
        if (!isSelf(error)) throw error
        log.info(
          `Managing key ${first.id} is capgo-api-key itself (Capgo: cannot_update_apikey); regenerating key ${second.id}.`,
        )
        return await capgo.regenerateKey(second.id, expiresAt)
      }
    }
    const [before, issued] = await Promise.all([
      this.rereadQuietly(),
      regenerate().then(
        (key) => ({ ok: true as const, key }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ])
    if (!issued.ok) {
      if (isSelf(issued.error)) {
        return (
          `Capgo refused to regenerate either managing key (${first.id}, ${second.id}): capgo-api-key may not manage them. Give both ` +
          `keys named '${step.name}' the role apikey_manager, and store one of them in ${this.where}. ${kept}`
        )
      }
      // Retried already; even if the regenerate went through, no secret held the other key's value.
      return `${errorMessage(issued.error)} ${kept}`
    }
    const fresh = issued.key
    log.info(`Regenerated managing key ${fresh.id}.`)
    const dead = expiryProblem(fresh.expiresAt, this.clock.judgeAt(), minimumLifetimeMs(settings.rotateAfterDays))
    if (dead) {
      return `Capgo answered with managing key ${fresh.id}, which ${dead === 'expired' ? 'is already expired' : 'expires before the next run'} (expires_at ${fresh.expiresAt}); it was not stored: set expires-in-days. ${kept}`
    }
    const stored = await this.store(fresh, before)
    if (stored.state === 'not-written') return `${stored.failure} ${kept}`
    if (stored.state === 'unverified') {
      return (
        `${stored.failure} Whether ${this.where} holds managing key ${fresh.id} or still capgo-api-key could not be ` +
        `verified (${stored.reason}); both stay valid until the next run, which regenerates the one it is not using.`
      )
    }
    this.outcome.storedKeyId = fresh.id
    return undefined
  }

  /**
   * Writes the secret; a write whose answer was lost is read back and judged against the secret
   * as it was just before (`before`, else as preflight read it) and GitHub's clock.
   */
  private async store(fresh: IssuedKey, before: ExistingSecret | undefined): Promise<Stored> {
    const target = this.target
    if (!target) return { state: 'not-written', failure: `writing ${this.where}: its public key was not read` }
    let error: unknown
    try {
      await target.write(fresh.key)
      return { state: 'written' }
    } catch (thrown) {
      error = thrown
    }
    const failure = errorMessage(error)
    const check = await checkFailedWrite(target, error, before)
    if (!check) return { state: 'not-written', failure }
    if (check.state === 'not-applied')
      return { state: 'not-written', failure: `${failure} (verified not written: ${check.reason})` }
    if (check.state === 'unknown') return { state: 'unverified', failure, reason: check.reason }
    this.deps.log.notice(
      `The write of ${this.where} failed in transit, but GitHub shows it updated since the write began: it holds the new managing key.`,
    )
    return { state: 'written' }
  }

  /**
   * The secret just before the write: what a lost write is judged against, fresher than preflight's
   * read (the renewal follows the whole rotation). Undefined when the read fails: preflight's stands.
   */
  private async rereadQuietly(): Promise<ExistingSecret | undefined> {
    try {
      return await this.target?.reread()
    } catch (error) {
      this.deps.log.warning(errorMessage(error))
      return undefined
    }
  }

  private async deleteQuietly(capgo: CapgoApi, id: number): Promise<string> {
    try {
      await capgo.deleteKey(id)
      return `Key ${id} was deleted again.`
    } catch (error) {
      return `Deleting key ${id} again failed too (${errorMessage(error)}): delete it in Capgo (${CAPGO_KEYS_PAGE}).`
    }
  }

  /** A create whose answer was lost: its key, if any, goes again (sweep.ts: never another run's). */
  private async sweep(step: Extract<Plan, { generation: 'classic' }>): Promise<string> {
    const sweep = await sweepStrays({
      capgo: this.deps.capgo,
      name: step.self.name,
      known: step.known,
      lease: this.deps.lease,
      secrets: this.target ? [this.target] : [],
      since: this.preflightStartedAt,
    })
    switch (sweep.kind) {
      case 'none':
        return 'No key was created.'
      case 'deleted':
        return `The create went through after all; key(s) ${sweep.ids.join(', ')} were deleted again.`
      case 'unguarded':
      case 'written-since':
        return (
          `Key(s) ${sweep.ids.join(', ')} named like capgo-api-key's appeared after this run's preflight, and ` +
          `${sweep.kind === 'unguarded' ? 'without the lease' : `with ${this.where} not proven unchanged since (${sweep.reason})`} ` +
          `they may be another run's, whose secret holds one: none was deleted. Delete in Capgo (${CAPGO_KEYS_PAGE}) the one ${this.where} does not hold.`
        )
      case 'unknown':
        return `Whether Capgo created a key is unknown (${sweep.error}): if it did, delete the newest key named like capgo-api-key's in Capgo (${CAPGO_KEYS_PAGE}).`
    }
  }
}

function pairProblem(name: string, pair: readonly CapgoKey[], where: string): string {
  const make =
    `On current Capgo a key cannot renew itself, so managing-key-secret needs two managing keys that renew each other: ` +
    `API keys named exactly '${name}', both with the role apikey_manager (in the organizations of the keys this action rotates), ` +
    `made in the Capgo dashboard (${CAPGO_KEYS_PAGE}). ${where} and capgo-api-key hold one of them.`
  if (pair.length === 0) return `${make} Capgo has no key of that name: create both.`
  if (pair.length === 1)
    return `${make} Capgo has one (id ${pair[0]!.id}): create one more with the same name and role.`
  return `${make} Capgo has ${pair.length} (ids ${pair.map((k) => k.id).join(', ')}): delete all but two, keeping the one capgo-api-key holds.`
}

function isSelf(error: unknown): boolean {
  return error instanceof CapgoError && error.status === 401 && error.code === 'cannot_update_apikey'
}
