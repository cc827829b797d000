import * as core from '@actions/core'
import type { RotationReport, TargetOutcome } from './rotation.js'
import type { Settings } from './settings.js'
import type { ManagingKeyOutcome } from './managing-key.js'
import { renderSummary, type SummaryInput } from './summary.js'
import { errorMessage } from './error-message.js'

// Step 8: outputs for later steps and a job summary for people. The plaintext key goes to the
// `key` output only (masked since Capgo returned it); everything else here is ids and names.

export function targetsJson(targets: readonly TargetOutcome[]): string {
  return JSON.stringify(
    targets.map(({ ref, result }) => ({
      kind: ref.kind,
      type: ref.type,
      owner: ref.owner,
      ...(ref.kind !== 'organization' ? { repo: ref.repo } : {}),
      ...(ref.kind === 'environment' ? { environment: ref.environment } : {}),
      secret: ref.secret,
      result,
    })),
  )
}

export function setOutputs(settings: Settings, report: RotationReport, managing?: ManagingKeyOutcome): void {
  const key = report.newKey
  core.setOutput('rotated', String(report.rotated))
  core.setOutput('strategy', report.strategy ?? '')
  core.setOutput('key-id', key ? String(key.id) : '')
  core.setOutput('key-name', key?.name ?? settings.keyName)
  // Only a key that some target holds: a rolled-back key is dead, a dry run has none.
  if (key && report.rotated) core.setOutput('key', key.key)
  core.setOutput('expires-at', key?.expiresAt ?? '')
  core.setOutput('previous-key-ids', JSON.stringify(report.previousKeyIds))
  core.setOutput('deleted-key-ids', JSON.stringify(report.deletedKeyIds))
  core.setOutput('kept-key-ids', JSON.stringify(report.keptKeyIds))
  core.setOutput('targets', targetsJson(report.targets))
  core.setOutput('rotated-at', report.rotatedAt ?? '')
  // Its id only, and only when the renewal went through; the key itself never leaves the secret.
  core.setOutput(
    'managing-key-id',
    managing?.status === 'renewed' && managing.storedKeyId !== undefined ? String(managing.storedKeyId) : '',
  )
}

export async function writeSummary(input: SummaryInput): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.emptyBuffer().addRaw(renderSummary(input), true).write({ overwrite: false })
  } catch (error) {
    core.debug(`Could not write the job summary: ${errorMessage(error)}`)
  }
}
