import * as core from '@actions/core'
import { targetLocation } from './github-targets.js'
import { describeScope } from './plan.js'
import type { ManagingKeyOutcome } from './managing-key.js'
import type { RotationReport, TargetOutcome } from './rotation.js'
import { redact } from './secrets.js'
import type { Settings } from './settings.js'

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

function accessOf(target: TargetOutcome): string {
  const access = target.orgAccess
  if (!access) return ''
  const selected = access.visibility === 'selected' ? ` (${access.selectedRepositoryIds.length} repositories)` : ''
  return `visibility ${access.visibility}${selected}`
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
  core.setOutput('managing-key-id', managing?.status === 'renewed' && managing.storedKeyId !== undefined ? String(managing.storedKeyId) : '')
}

function describeManaging(managing: ManagingKeyOutcome | undefined): string {
  if (!managing) return 'not renewed (managing-key-secret not set)'
  switch (managing.status) {
    case 'not-run':
      return 'not renewed this run'
    case 'planned':
      return `would be renewed and stored in ${managing.where}`
    case 'renewed':
      return `key ${managing.storedKeyId} now stored in ${managing.where}${managing.retiredKeyId !== undefined ? `; old key ${managing.retiredKeyId} deleted` : ''}`
    case 'failed':
      return managing.storedKeyId !== undefined
        ? `key ${managing.storedKeyId} now stored in ${managing.where}, but the renewal did not finish (see below)`
        : `renewal failed; ${managing.where} unchanged or unverified (see below)`
  }
}

function title(report: RotationReport): string {
  if (report.failure) return 'Capgo key rotation: failed'
  if (report.nextDueAt) return `Capgo key rotation: not due until ${report.nextDueAt}`
  if (report.dryRun) return 'Capgo key rotation: dry run (nothing changed)'
  return 'Capgo key rotation: done'
}

function ids(list: readonly number[]): string {
  return list.length > 0 ? list.join(', ') : 'none'
}

export async function writeSummary(
  settings: Settings | undefined,
  report: RotationReport | undefined,
  failure: string | undefined,
  managing?: ManagingKeyOutcome,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const summary = core.summary.emptyBuffer()
  if (!report || !settings) {
    summary.addHeading('Capgo key rotation: failed', 2)
  } else {
    summary.addHeading(title(report), 2)
    const key = report.newKey
    summary.addTable([
      [
        { data: 'Detail', header: true },
        { data: 'Value', header: true },
      ],
      ['Strategy', report.strategy ?? '—'],
      ['Key id', key ? String(key.id) : '—'],
      ['Key name', key?.name ?? settings.keyName],
      ['Mode', report.strategy === 'regenerate' ? (key?.mode ?? 'unchanged (set in Capgo)') : settings.keyMode],
      ['Scope', report.strategy === 'regenerate' ? 'unchanged (set in Capgo)' : describeScope(settings)],
      ['Expires', key?.expiresAt ?? 'never'],
      [report.dryRun ? 'Would replace key ids' : 'Previous key ids', ids(report.previousKeyIds)],
      [report.dryRun ? 'Would delete key ids' : 'Deleted key ids', ids(report.deletedKeyIds)],
      [report.dryRun ? 'Would keep key ids' : 'Kept key ids', ids(report.keptKeyIds)],
      ['Key id variable', report.variable ? `${report.variable.name}: ${report.variable.result}` : 'not used'],
      ['Written at', report.rotatedAt ?? '—'],
      ...(settings.managingKeySecret ? [['Managing key', describeManaging(managing)]] : []),
      ...(report.nextDueAt ? [['Next rotation due', report.nextDueAt]] : []),
    ])
    summary.addTable([
      ['Target', 'Kind', 'Type', 'Secret', 'Access', 'Result', 'Holds key'].map((data) => ({ data, header: true })),
      ...report.targets.map((t) => [
        targetLocation(t.ref),
        t.ref.kind,
        t.ref.type,
        t.ref.secret,
        accessOf(t) || '—',
        t.result,
        t.holdsKeyId !== undefined
          ? String(t.holdsKeyId)
          : t.mayHoldKeyId !== undefined
            ? `unknown: ${t.mayHoldKeyId} or its previous value`
            : t.result === 'planned'
              ? '—'
              : 'its previous value',
      ]),
    ])
    if (report.plan.length > 0) summary.addHeading('Plan', 3).addList(report.plan)
  }
  if (failure) summary.addHeading('What went wrong', 3).addCodeBlock(failure)
  // Built with the summary API, then scrubbed as a whole before it reaches the file.
  const text = redact(summary.stringify())
  try {
    await summary.emptyBuffer().addRaw(text).write({ overwrite: false })
  } catch (error) {
    core.debug(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}
