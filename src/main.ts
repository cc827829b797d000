import * as core from '@actions/core'
import { CapgoClient, proxyAwareFetch } from './capgo-client.js'
import { createGitHubClient } from './github-client.js'
import { GitHubSecretStore } from './github-targets.js'
import { GitHubKeyIdVariable } from './key-id-variable.js'
import { setOutputs, writeSummary } from './report.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js'
import { errorMessage, rotate, type RotationReport } from './rotation.js'
import { localActionProblem } from './local-action-guard.js'
import { initSodium } from './sealing.js'
import { CollectingLogger } from './run-log.js'
import { redact, registerSecret } from './secrets.js'
import { readSettings, readTuning, type Settings } from './settings.js'

/** Knobs for tests; a workflow run uses the defaults. */
export interface RunOptions {
  readonly capgoRetry?: RetryPolicy
  readonly timeoutMs?: number
  readonly githubRetries?: number
}

export async function run(options: RunOptions = {}): Promise<void> {
  // Before any input is read: reading the credentials masks them, which a wrong @actions/core prints.
  const refusal = localActionProblem(process.env, process.cwd())
  if (refusal) {
    core.setFailed(refusal)
    return
  }
  const startedAt = new Date()
  const log = new CollectingLogger(core)
  let settings: Settings | undefined
  let report: RotationReport | undefined
  let failure: string | undefined
  try {
    settings = readSettings()
    const tuning = readTuning()
    const timeoutMs = options.timeoutMs ?? tuning.timeoutMs
    // libsodium loads and compiles its WebAssembly while the preflight requests are in flight;
    // a dry run seals nothing and never loads it.
    if (!settings.dryRun) initSodium().catch(() => undefined)
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
        onRetry: (attempt, delayMs, error) => log.info(`Capgo: ${errorMessage(error)} Retry ${attempt} in ${Math.round(delayMs)} ms.`),
      },
      onKeyMaterial: registerSecret,
    })
    const octokit = createGitHubClient({
      token: settings.githubToken,
      baseUrl: settings.githubApiUrl,
      timeoutMs,
      retries: options.githubRetries,
      retryBaseMs: tuning.retryBaseMs,
      warn: (message) => log.warning(message),
    })
    const variable =
      settings.keyIdVariable && settings.workflowRepository
        ? new GitHubKeyIdVariable(octokit, settings.workflowRepository, settings.keyIdVariable)
        : undefined
    report = await rotate(settings, { capgo, store: new GitHubSecretStore(octokit), variable, log })
    failure = report.failure
    setOutputs(settings, report)
  } catch (error) {
    failure = errorMessage(error)
    // Nothing was written (a failure after a write returns a report instead): say so to later steps.
    core.setOutput('rotated', 'false')
  }
  await writeSummary({ settings, report, failure, startedAt, finishedAt: new Date(), warnings: log.warnings, notices: log.notices, env: process.env })
  if (failure) core.setFailed(redact(failure))
}
