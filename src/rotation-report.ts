import * as explain from './explain.js'
import type { PreparedTarget } from './github-secret-store.js'
import type { IssueResult, Withdrawal } from './issue-key.js'
import type { Preflight } from './preflight.js'
import type { RegeneratedAgain } from './regenerate-check.js'
import type { VariableOutcome } from './remember-key-id.js'
import type { LeftoverRetirement, Retirement } from './retire-keys.js'
import type { Issued, RotationReport, TargetOutcome, TargetResult } from './rotation-types.js'
import type { Settings } from './settings.js'
import type { TargetWrites } from './write-targets.js'

// The RotationReport each way a run can end, assembled from what the steps returned; the
// sentences come from explain.ts. report.ts and summary.ts read the result.

type Found = Pick<Preflight, 'targets' | 'previous' | 'regenerateChoice'>

function emptyReport(settings: Settings): RotationReport {
  return {
    dryRun: settings.dryRun,
    rotated: false,
    strategy: undefined,
    plan: [],
    newKey: undefined,
    previousKeyIds: [],
    deletedKeyIds: [],
    keptKeyIds: [],
    notFoundKeyIds: [],
    targets: [],
    rotatedAt: undefined,
    nextDueAt: undefined,
    variable: settings.keyIdVariable ? { name: settings.keyIdVariable, result: 'planned' } : undefined,
    failure: undefined,
  }
}

export function targetOutcome(
  target: PreparedTarget,
  result: TargetResult,
  holdsKeyId: number | undefined,
): TargetOutcome {
  return { ref: target.ref, result, holdsKeyId, orgAccess: target.orgAccess, before: target.existing, error: undefined }
}

/** rotate-after-days: nothing rotated; perhaps leftovers of a failed run retired (or planned). */
export function notDueReport(
  settings: Settings,
  targets: readonly PreparedTarget[],
  nextDueAt: string,
  leftovers: LeftoverRetirement | undefined,
): RotationReport {
  const report = emptyReport(settings)
  report.nextDueAt = nextDueAt
  report.targets = targets.map((target) => targetOutcome(target, 'skipped', undefined))
  report.plan.push(explain.notDuePlan(settings.rotateAfterDays!, nextDueAt))
  if (report.variable) report.variable.result = 'unchanged'
  if (leftovers?.kind === 'planned') {
    const { retire, newest } = leftovers
    report.previousKeyIds = retire.replaced.map((k) => k.id)
    report.deletedKeyIds = retire.retired.map((k) => k.id)
    report.keptKeyIds = retire.kept.map((k) => k.id)
    if (retire.retired.length > 0) report.plan.push(explain.leftoversPlan(newest.id, report.deletedKeyIds))
  } else if (leftovers?.kind === 'retired') {
    report.previousKeyIds = leftovers.retire.replaced.map((k) => k.id)
    fillRetirement(report, leftovers.retirement)
    const failure = explain.retirementFailure(leftovers.retirement, settings.keyName)
    if (failure) report.failure = explain.leftoversNotRetired(leftovers.newest.id, failure)
  }
  return report
}

/** A dry run: the plan, and the ids it would replace, delete and keep. */
export function dryRunReport(
  settings: Settings,
  found: Found,
  strategy: 'create' | 'regenerate',
  plan: readonly string[],
): RotationReport {
  const report = emptyReport(settings)
  const { previous, regenerateChoice } = found
  const regenerated = strategy === 'regenerate' && regenerateChoice.ok ? regenerateChoice : undefined
  report.strategy = strategy
  report.plan.push(...plan)
  report.previousKeyIds = regenerated ? [regenerated.id] : previous.replaced.map((k) => k.id)
  report.deletedKeyIds = regenerated ? [] : previous.retired.map((k) => k.id)
  report.keptKeyIds = regenerated ? regenerated.kept.map((k) => k.id) : previous.kept.map((k) => k.id)
  report.targets = found.targets.map((target) => targetOutcome(target, 'planned', undefined))
  return report
}

/** A key was issued: which ids it replaces, and which a regenerate leaves alive. */
function issuedReport(settings: Settings, found: Found, issued: Issued): RotationReport {
  const report = emptyReport(settings)
  report.strategy = issued.strategy
  report.newKey = issued.key
  report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : found.previous.replaced.map((k) => k.id)
  if (issued.strategy === 'regenerate' && found.regenerateChoice.ok)
    report.keptKeyIds.push(...found.regenerateChoice.kept.map((k) => k.id))
  return report
}

/** Capgo issued a key already dead (or dying): written nowhere. */
export function deadKeyReport(
  settings: Settings,
  found: Found,
  dead: Extract<IssueResult, { kind: 'dead-on-arrival' }>,
): RotationReport {
  const report = issuedReport(settings, found, dead.issued)
  report.newKey = undefined
  report.failure = explain.deadOnArrival(dead.issued, dead.problem, dead.withdrawal, dead.clockSkewMs)
  return report
}

function writtenReport(settings: Settings, found: Found, issued: Issued, writes: TargetWrites): RotationReport {
  const report = issuedReport(settings, found, issued)
  report.targets = writes.outcomes
  if (writes.written > 0) {
    report.rotated = true
    report.rotatedAt = writes.rotatedAt
  }
  return report
}

/** Every target provably does not hold the new key: it was withdrawn where it could be. */
export function noTargetReport(
  settings: Settings,
  found: Found,
  issued: Issued,
  writes: TargetWrites,
  withdrawal: Withdrawal,
): RotationReport {
  const report = writtenReport(settings, found, issued, writes)
  report.newKey = undefined
  report.failure = explain.noTargetWritten(
    issued.key,
    withdrawal,
    writes.outcomes.map((t) => t.error),
  )
  return report
}

/** Some targets hold the new key, others may not: both keys stay alive, the run fails. */
export function partialReport(settings: Settings, found: Found, issued: Issued, writes: TargetWrites): RotationReport {
  const report = writtenReport(settings, found, issued, writes)
  report.failure = explain.incompleteWrite(issued, writes.settled, found.previous)
  return report
}

/** Every target holds the new key; then the variable, the deletes and the regenerate check. */
export function rotatedReport(
  settings: Settings,
  found: Found,
  issued: Issued,
  writes: TargetWrites,
  after: {
    readonly variable: VariableOutcome | undefined
    readonly retirement: Retirement | undefined
    readonly regeneratedAgain: RegeneratedAgain | undefined
  },
): RotationReport {
  const report = writtenReport(settings, found, issued, writes)
  if (report.variable && after.variable) report.variable.result = after.variable.result
  if (after.retirement) fillRetirement(report, after.retirement)
  report.failure = explain.afterEveryTarget(issued.key.id, after, settings.keyName)
  return report
}

function fillRetirement(report: RotationReport, retirement: Retirement): void {
  report.keptKeyIds.push(...retirement.kept, ...retirement.refused)
  report.deletedKeyIds.push(...retirement.deleted)
  report.notFoundKeyIds.push(...retirement.notFound)
}
