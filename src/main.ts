import * as core from '@actions/core'
import { GitHubSecretStore } from './github-targets.js'
import { setOutputs, writeSummary } from './report.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js'
import type { RotationReport } from './rotation.js'
import { initSodium } from './sealing.js'
import { redact, registerSecret } from './secrets.js'
import { readSettings, readTuning, type Settings } from './settings.js'

/** Knobs for tests; a workflow run uses the defaults. */
export interface RunOptions {
  readonly capgoRetry?: RetryPolicy
  readonly timeoutMs?: number
  readonly githubRetries?: number
}

export async function run(options: RunOptions = {}): Promise<void> {
  let settings: Settings | undefined
  let report: RotationReport | undefined
  let failure: string | undefined
  try {
    settings = readSettings()
    const tuning = readTuning()
    const timeoutMs = options.timeoutMs ?? tuning.timeoutMs
    // Loaded once the inputs are good, from chunks of the bundle: a run that fails on them
    // starts with @actions/core and the settings alone.
    const [{ CapgoClient, proxyAwareFetch }, { createGitHubClient }, { GitHubKeyIdVariable }, { errorMessage, rotate }] = await Promise.all([
      import(/* webpackChunkName: "rotation" */ './capgo-client.js'),
      import(/* webpackChunkName: "rotation" */ './github-client.js'),
      import(/* webpackChunkName: "rotation" */ './key-id-variable.js'),
      import(/* webpackChunkName: "rotation" */ './rotation.js'),
    ])
    core.debug(
      `Settings: strategy=${settings.strategy} key-name=${settings.keyName} key-mode=${settings.keyMode} ` +
        `capgo-api-url=${settings.capgoApiUrl} github-api-url=${settings.githubApiUrl} secret-name=${settings.secretName} ` +
        `repositories=${settings.repositories.map((r) => `${r.owner}/${r.repo}`).join(',')} dry-run=${settings.dryRun}`,
    )
    const capgo = new CapgoClient({
      baseUrl: settings.capgoApiUrl,
      apiKey: settings.capgoApiKey,
      fetch: proxyAwareFetch(settings.capgoApiUrl),
      timeoutMs,
      retry: {
        ...(options.capgoRetry ?? { ...DEFAULT_RETRY_POLICY, baseDelayMs: tuning.retryBaseMs }),
        onRetry: (attempt, delayMs, error) => core.info(`Capgo: ${errorMessage(error)} Retry ${attempt} in ${Math.round(delayMs)} ms.`),
      },
      onKeyMaterial: registerSecret,
    })
    const octokit = createGitHubClient({
      token: settings.githubToken,
      baseUrl: settings.githubApiUrl,
      timeoutMs,
      retries: options.githubRetries,
      retryBaseMs: tuning.retryBaseMs,
    })
    const variable =
      settings.keyIdVariable && settings.workflowRepository
        ? new GitHubKeyIdVariable(octokit, settings.workflowRepository, settings.keyIdVariable)
        : undefined
    const rotation = rotate(settings, { capgo, store: new GitHubSecretStore(octokit), variable, log: core })
    // libsodium loads while the preflight's requests are in flight; a dry run never seals.
    if (!settings.dryRun) initSodium().catch(() => undefined)
    report = await rotation
    failure = report.failure
    setOutputs(settings, report)
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
    // Nothing was written (a failure after a write returns a report instead): say so to later steps.
    core.setOutput('rotated', 'false')
  }
  await writeSummary(settings, report, failure)
  if (failure) core.setFailed(redact(failure))
}
