import type { CapgoApi } from './capgo-client.js'
import type { GitHubClient } from './github-client.js'
import { GitHubSecretStore } from './github-secret-store.js'
import { GitHubKeyIdVariable } from './key-id-variable.js'
import { GitHubLease } from './lease.js'
import { ManagingKeyRenewal } from './managing-key.js'
import type { Logger, RotationDeps } from './rotation.js'
import type { Settings } from './settings.js'
import { managingKeyTarget } from './targets.js'

// What a rotation runs against, wired from the settings: the secret store, key-id-variable, the
// lease and the managing-key renewal. One place, so that run() and the tests that hunt for broken
// invariants (test/support/hunt-world.ts) exercise the same wiring.

export interface WiredRotation {
  readonly deps: RotationDeps
  /** Present with managing-key-secret: its outcome feeds the outputs and the summary. */
  readonly renewal: ManagingKeyRenewal | undefined
  /** deps.lease, for what only the run's owner does with it: give it back on cancel. */
  readonly lease: GitHubLease | undefined
}

export function wireRotation(input: {
  readonly settings: Settings
  /** Capgo as capgo-api-key. */
  readonly capgo: CapgoApi
  /** Capgo as another key (the renewal's proof that a new managing key works). */
  readonly capgoAs: (apiKey: string) => CapgoApi
  readonly octokit: GitHubClient
  readonly log: Logger
  /** "<run id>/<attempt>", written into the lease for people reading it. */
  readonly runId: string | undefined
}): WiredRotation {
  const { settings, capgo, capgoAs, octokit, log, runId } = input
  const home = settings.workflowRepository
  const variable =
    settings.keyIdVariable && home ? new GitHubKeyIdVariable(octokit, home, settings.keyIdVariable) : undefined
  // One store for the targets and managing-key-secret: one way to seal and write, one GitHub clock.
  const store = new GitHubSecretStore(octokit)
  // The lease lives in the workflow's repository; without GITHUB_REPOSITORY (a run outside Actions) there is none.
  const lease = home
    ? new GitHubLease(octokit, home, settings.keyName, runId, (message) => log.warning(message))
    : undefined
  const managingSecret = managingKeyTarget(settings)
  const renewal = managingSecret
    ? new ManagingKeyRenewal({ settings, capgo, clientFor: capgoAs, secret: managingSecret, store, log, lease })
    : undefined
  if (!lease && !settings.dryRun)
    log.warning('GITHUB_REPOSITORY is not set, so no lease keeps overlapping runs of this rotation apart.')
  return { deps: { capgo, store, variable, lease, log, followUp: renewal }, renewal, lease }
}
