import { CapgoError, type CapgoApi } from './capgo-client.js'
import { errorMessage } from './error-message.js'
import {
  CREATE_REFUSED_REGENERATING,
  createRefused,
  excessRightsWarning,
  expiryNotConfirmed,
  lostCreate,
  nothingChanged,
  regenerateKeepsDeadExpiry,
  regenerateOutcomeUnknown,
} from './explain.js'
import { type ExpiryClock, expiryProblem, minimumLifetimeMs, newExpiry } from './expiry.js'
import type { Preflight } from './preflight.js'
import { PreflightError } from './preflight-error.js'
import { excessRights, type RegenerateChoice } from './previous-keys.js'
import type { Issued, Logger, RotationDeps } from './rotation-types.js'
import type { Settings } from './settings.js'
import { sweepStrays } from './sweep.js'

// Step 4 of docs/contract.md: where a key is created or regenerated. The create/regenerate choice
// (and `auto`'s fallback on cannot_create_apikey), the sweep after a create whose answer was lost,
// and the refusal of a key that Capgo issued dead (it is never written). A failure before any
// key exists throws, with "Nothing was changed" where that is proven.

export type IssueResult =
  | { readonly kind: 'issued'; readonly issued: Issued }
  /** Capgo answered with a key that is dead or dies before the next run: not written, withdrawn where possible. */
  | {
      readonly kind: 'dead-on-arrival'
      readonly issued: Issued
      readonly problem: 'expired' | 'too-soon'
      readonly withdrawal: Withdrawal
      /** Capgo's clock minus the runner's when it answered: a wrong clock may be the cause. */
      readonly clockSkewMs: number
    }

/** Taking back a key that must not stay: a created key is deleted; a regenerate cannot be undone. */
export type Withdrawal =
  | { readonly kind: 'regenerated' }
  | { readonly kind: 'deleted' }
  | { readonly kind: 'delete-failed'; readonly error: string }

export type { Sweep } from './sweep.js'

export async function issueKey(
  settings: Settings,
  deps: RotationDeps,
  found: Pick<Preflight, 'listing' | 'regenerateChoice' | 'expectRegenerate' | 'targets' | 'startedAt'>,
  clock: ExpiryClock,
): Promise<IssueResult> {
  const expiresAt = newExpiry(settings.expiresInDays, clock.issueFrom())
  const issued = await createOrRegenerate(settings, deps, found, expiresAt, clock)
  deps.log.info(
    `${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`,
  )
  if (expiresAt && !issued.key.expiresAt) deps.log.warning(expiryNotConfirmed(issued.key.id))
  // Whatever preflight saw, what Capgo answered decides: a dead (or dying) key is never written.
  const problem = expiryProblem(issued.key.expiresAt, clock.judgeAt(), minimumLifetimeMs(settings.rotateAfterDays))
  if (!problem) return { kind: 'issued', issued }
  const withdrawal = await withdrawKey(issued, deps.capgo)
  return { kind: 'dead-on-arrival', issued, problem, withdrawal, clockSkewMs: clock.skewMs() }
}

async function createOrRegenerate(
  settings: Settings,
  deps: RotationDeps,
  found: Pick<Preflight, 'listing' | 'regenerateChoice' | 'expectRegenerate' | 'targets' | 'startedAt'>,
  expiresAt: string | undefined,
  clock: ExpiryClock,
): Promise<Issued> {
  const { regenerateChoice } = found
  if (found.expectRegenerate) return regenerate(settings, deps, regenerateChoice, expiresAt)
  try {
    const key = await deps.capgo.createKey({
      name: settings.keyName,
      mode: settings.keyMode,
      limitedToApps: settings.limitedToApps,
      limitedToOrgs: settings.limitedToOrgs,
      expiresAt,
    })
    return { strategy: 'create', key }
  } catch (error) {
    if (error instanceof CapgoError && error.code === 'cannot_create_apikey') {
      if (settings.strategy !== 'auto') throw new Error(createRefused(settings.keyName))
      deps.log.notice(CREATE_REFUSED_REGENERATING)
      checkRegenerable(regenerateChoice, settings, clock.judgeAt(), deps.log)
      return regenerate(settings, deps, regenerateChoice, expiresAt)
    }
    if (error instanceof CapgoError && error.outcomeUnknown) {
      const sweep = await sweepStrays({
        capgo: deps.capgo,
        name: settings.keyName,
        known: new Set(found.listing.keys.map((k) => k.id)),
        lease: deps.lease,
        secrets: found.targets,
        since: found.startedAt,
      })
      throw new Error(lostCreate(error.message, settings.keyName, sweep))
    }
    throw error
  }
}

async function regenerate(
  settings: Settings,
  deps: RotationDeps,
  choice: RegenerateChoice,
  expiresAt: string | undefined,
): Promise<Issued> {
  if (!choice.ok) throw new Error(nothingChanged(choice.problem))
  const { id } = choice
  deps.log.info(
    `Regenerating Capgo key ${id}: key-mode and limited-to-* do not apply, the key keeps the rights set in Capgo.`,
  )
  try {
    const key = await deps.capgo.regenerateKey(id, expiresAt)
    // The answer is the whole row: it may show rights the list did not (current Capgo lists no mode).
    const rights = excessRights({ mode: key.mode, globalPermissions: [] }, settings.keyMode)
    if (rights && !(choice.key && excessRights(choice.key, settings.keyMode)))
      deps.log.warning(excessRightsWarning(id, key.name, rights))
    return { strategy: 'regenerate', key }
  } catch (error) {
    if (!(error instanceof CapgoError)) throw error
    if (error.outcomeUnknown) throw new Error(regenerateOutcomeUnknown(error.message, id))
    throw new Error(nothingChanged(error.message))
  }
}

/**
 * What must hold before a key is regenerated, from the preflight list: there is one to regenerate,
 * it will not be dead on arrival (a regenerate keeps its expires_at unless one is sent), and any
 * rights beyond the rotation's purpose are said out loud. Throws a PreflightError otherwise.
 */
export function checkRegenerable(
  choice: RegenerateChoice,
  settings: Pick<Settings, 'expiresInDays' | 'rotateAfterDays' | 'keyMode'>,
  now: Date,
  log: Logger,
): void {
  if (!choice.ok) throw new PreflightError([choice.problem])
  const key = choice.key
  if (!key) return
  if (settings.expiresInDays === undefined) {
    const problem = expiryProblem(key.expiresAt, now, minimumLifetimeMs(settings.rotateAfterDays))
    if (problem) throw new PreflightError([regenerateKeepsDeadExpiry(key, problem)])
  }
  const rights = excessRights(key, settings.keyMode)
  if (rights) log.warning(excessRightsWarning(key.id, key.name, rights))
}

/** Takes back a key no target may hold: deletes a created one; a regenerated one cannot be undone. */
export async function withdrawKey(issued: Issued, capgo: CapgoApi): Promise<Withdrawal> {
  if (issued.strategy === 'regenerate') return { kind: 'regenerated' }
  try {
    await capgo.deleteKey(issued.key.id)
    return { kind: 'deleted' }
  } catch (error) {
    return { kind: 'delete-failed', error: errorMessage(error) }
  }
}
