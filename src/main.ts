import * as core from '@actions/core'
import { onCancel } from './cancellation.js'
import { localActionProblem } from './local-action-guard.js'
import { createLogger, type ActionLogger } from './logger.js'
import type { CapgoApi, KeyListing } from './capgo-client.js'
import type { ManagingKeyRenewal } from './managing-key.js'
import { setOutputs, writeSummary } from './report.js'
import type { RotationReport } from './rotation.js'
import { CollectingLogger } from './run-log.js'
import { initSodium } from './sealing.js'
import { registerSecret } from './secrets.js'
import { readSettings, readTuning, type Settings, type Tuning } from './settings.js'
import { errorMessage } from './error-message.js'

const STOPPED =
  'The run stopped before it finished: cancelled by the runner, or an unexpected error (the log says which). ' +
  'What it had done stays as after a lost answer: a key it created may still be alive, and after a regenerate a ' +
  'target it had not yet written holds a value that no longer works. Run again: the re-run finds every key of ' +
  'this rotation and finishes it.'

/** How long into the preflight libsodium starts loading (see run()). */
const SODIUM_DELAY_MS = 10

export interface RunOptions {
  /** Overrides what readTuning() reads from the environment: tests and the bench set the same knobs. */
  readonly tuning?: Partial<Tuning>
  /** Every log line goes through it; one around @actions/core by default. */
  readonly log?: ActionLogger
}

export async function run(options: RunOptions = {}): Promise<void> {
  // Before any input is read: reading the credentials masks them, which a wrong @actions/core prints.
  const refusal = localActionProblem(process.env, process.cwd())
  if (refusal) {
    core.setFailed(refusal)
    return
  }
  const startedAt = new Date()
  // Redacts and makes safe every message, whatever server or input text it quotes; keeps the
  // warnings and notices for the job summary.
  const log = new CollectingLogger(options.log ?? createLogger())
  let settings: Settings | undefined
  let report: RotationReport | undefined
  let renewal: ManagingKeyRenewal | undefined
  let failure: string | undefined
  let stopOnCancel: (() => void) | undefined
  // The job summary of what is known when it is written.
  const summarize = (why: string | undefined, stopped = false) =>
    writeSummary({
      settings,
      report,
      failure: why,
      startedAt,
      finishedAt: new Date(),
      warnings: log.warnings,
      notices: log.notices,
      env: process.env,
      renewal: renewal?.outcome,
      stopped,
    })
  // Stopped (a cancel, or an error nothing caught: index.ts), the step still leaves a summary.
  const stopSummaryOnCancel = onCancel(() => summarize(STOPPED, true))
  try {
    settings = readSettings()
    const tuning: Tuning = { ...readTuning(), ...options.tuning }
    const { timeoutMs } = tuning
    // Evaluated once the inputs are good: a run that fails on them runs @actions/core and the
    // settings alone. The Capgo client is small and sits in the main file ("eager": no chunk to
    // resolve and read before the preflight's key list can leave); the GitHub client (Octokit) and
    // the rotation come from a chunk, loaded while that list is in flight.
    const { CapgoClient, proxyAwareFetch } = await import(/* webpackMode: "eager" */ './capgo-client.js')
    const { capgoApiUrl } = settings
    const capgoAs = (apiKey: string) =>
      new CapgoClient({
        baseUrl: capgoApiUrl,
        apiKey,
        fetch: proxyAwareFetch(capgoApiUrl),
        timeoutMs,
        retry: {
          ...tuning.capgoRetry,
          // The error's message already starts with "Capgo:".
          onRetry: (attempt, delayMs, error) =>
            log.info(`${errorMessage(error)} Retry ${attempt} in ${Math.round(delayMs)} ms.`),
        },
        onKeyMaterial: registerSecret,
      })
    const capgo = withFirstListStarted(capgoAs(settings.capgoApiKey))
    const [{ createGitHubClient }, { rotate }, { wireRotation }] = await Promise.all([
      import(/* webpackChunkName: "rotation" */ './github-client.js'),
      import(/* webpackChunkName: "rotation" */ './rotation.js'),
      import(/* webpackChunkName: "rotation" */ './rotation-deps.js'),
    ])
    log.debug(
      `Settings: strategy=${settings.strategy} key-name=${settings.keyName} key-mode=${settings.keyMode} ` +
        `capgo-api-url=${settings.capgoApiUrl} github-api-url=${settings.githubApiUrl} secret-name=${settings.secretName} ` +
        `repositories=${settings.repositories.map((r) => `${r.owner}/${r.repo}`).join(',')} dry-run=${settings.dryRun}`,
    )
    const octokit = createGitHubClient({
      token: settings.githubToken,
      baseUrl: settings.githubApiUrl,
      timeoutMs,
      retries: tuning.githubRetries,
      retryBaseMs: tuning.githubRetryBaseMs,
      log,
    })
    const runId = process.env.GITHUB_RUN_ID
      ? `${process.env.GITHUB_RUN_ID}/${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`
      : undefined
    const wired = wireRotation({ settings, capgo, capgoAs, octokit, log, runId })
    renewal = wired.renewal
    // Cancelled (index.ts catches the runner's signals), the run still gives its lease back: last,
    // after the renewal's own clean-up, which may delete a key only under it (sweep.ts).
    const { lease } = wired
    if (lease) stopOnCancel = onCancel(() => lease.abandon(), { last: true })
    const rotation = rotate(settings, wired.deps)
    // libsodium loads while the preflight's requests are in flight; a dry run never seals. Not at
    // once: Node compiles an import()ed chunk synchronously (~10 ms for libsodium's), and Octokit's
    // requests leave a timer turn after they are made (plugin-retry's Bottleneck), so loading now
    // would hold the preflight's GitHub requests back. SODIUM_DELAY_MS in, they have gone out on
    // any connection that could take them, well before a real network answers (a seal needed
    // sooner waits for the load itself). Unref'd: a run that is over by then exits without it.
    if (!settings.dryRun) setTimeout(() => initSodium().catch(() => undefined), SODIUM_DELAY_MS).unref()
    report = await rotation
    failure = report.failure
    setOutputs(settings, report, renewal?.outcome)
  } catch (error) {
    failure = errorMessage(error)
    // Nothing was written (a failure after a write returns a report instead): say so to later steps.
    core.setOutput('rotated', 'false')
  } finally {
    stopOnCancel?.()
    stopSummaryOnCancel()
  }
  await summarize(failure)
  if (failure) log.setFailed(failure)
}

/**
 * The preflight's key list, sent as soon as the Capgo client exists: the first listKeys() call
 * (the preflight's) takes that request's answer; every later call asks anew. Read-only, so sending
 * it before the rest is loaded changes nothing.
 */
function withFirstListStarted(capgo: CapgoApi): CapgoApi {
  let first: Promise<KeyListing> | undefined = capgo.listKeys()
  // Its failure is reported by the preflight that takes it, not as an unhandled rejection.
  first.catch(() => undefined)
  return {
    listKeys: () => {
      const listing = first ?? capgo.listKeys()
      first = undefined
      return listing
    },
    createKey: (request) => capgo.createKey(request),
    regenerateKey: (id, expiresAt) => capgo.regenerateKey(id, expiresAt),
    deleteKey: (id) => capgo.deleteKey(id),
    now: () => capgo.now?.(),
  }
}
