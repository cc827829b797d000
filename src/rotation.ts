import { READ_CONCURRENCY, WRITE_CONCURRENCY } from './concurrency.js'
import { planDryRun } from './dry-run.js'
import { expiryClock } from './expiry.js'
import { dueAnyway, notDue } from './explain.js'
import { issueKey } from './issue-key.js'
import { decideDue } from './not-due.js'
import { checkWriteAccess, preflight } from './preflight.js'
import { checkNotRegeneratedAgain } from './regenerate-check.js'
import { rememberKeyId } from './remember-key-id.js'
import { retireLeftovers, retirePreviousKeys } from './retire-keys.js'
import * as assemble from './rotation-report.js'
import type { RotationDeps, RotationReport } from './rotation-types.js'
import type { Settings } from './settings.js'
import { rollBack, writeTargets } from './write-targets.js'

export type * from './rotation-types.js'
export { PreflightError } from './preflight-error.js'

// The order of steps of docs/contract.md, each a named step in a file of its own, with Capgo and
// GitHub passed in as interfaces (rotation-types.ts). The invariants, in this order:
// - a previous key is deleted only after every target holds the new key (reach 'every');
// - a created key that reached no target is deleted again (no orphan), the previous key untouched;
// - a partial write leaves both keys alive and fails, naming which target holds which id.
// Each step returns what it did; rotation-report.ts assembles the report, explain.ts words it.

export async function rotate(settings: Settings, deps: RotationDeps): Promise<RotationReport> {
  try {
    return await rotateUnderLease(settings, deps)
  } finally {
    // Usually released already, in parallel with the last step; this covers every other exit.
    await deps.lease?.release()
  }
}

async function rotateUnderLease(settings: Settings, deps: RotationDeps): Promise<RotationReport> {
  const { log, capgo, lease, followUp } = deps
  const now = deps.now ?? (() => new Date())
  // Expiry meets two clocks, the runner's and Capgo's (the Date of its answers): expiry.ts.
  const clock = expiryClock(now, () => capgo.now?.())
  const writeConcurrency = deps.writeConcurrency ?? WRITE_CONCURRENCY
  const { keyName, keepPrevious, dryRun, rotateAfterDays } = settings

  const found = await preflight(settings, deps, deps.readConcurrency ?? READ_CONCURRENCY, clock)
  const due = decideDue({ ...found, keyName, keepPrevious, rotateAfterDays, now: now() })
  if (!due.due) {
    log.info(notDue(rotateAfterDays!, due.nextDueAt))
    const leftovers = found.expectRegenerate
      ? undefined
      : await retireLeftovers(due.leftovers, found.listing, deps, {
          dryRun,
          keepPrevious,
          concurrency: writeConcurrency,
        })
    return assemble.notDueReport(settings, found.targets, due.nextDueAt, leftovers)
  }
  if (due.youngButUnconverged) log.info(dueAnyway(rotateAfterDays, due.youngButUnconverged))
  const writeCheck =
    found.expectRegenerate && !dryRun ? await checkWriteAccess(found.targets, log, writeConcurrency) : undefined
  if (dryRun) return planDryRun(settings, deps, found)

  // The throwaway secrets go while the key is issued: one round trip, not two.
  const removing = writeCheck?.remove()
  const issue = await issueKey(settings, deps, found, clock).finally(() => removing)
  if (issue.kind === 'dead-on-arrival') return assemble.deadKeyReport(settings, found, issue)
  const { issued } = issue
  const writes = await writeTargets(found.targets, issued, deps, writeConcurrency, now)
  if (writes.reach === 'none')
    return assemble.noTargetReport(settings, found, issued, writes, await rollBack(issued, deps))
  if (writes.reach === 'some') return assemble.partialReport(settings, found, issued, writes)

  // Every target holds the new key. Steps 6 and 7 at once, since neither depends on the other.
  const [variable, retirement, regeneratedAgain] = await Promise.all([
    deps.variable && settings.keyIdVariable
      ? rememberKeyId(deps.variable, found.variableValue, issued.key.id, log)
      : undefined,
    issued.strategy === 'create'
      ? retirePreviousKeys(found.previous, issued.key.id, found.listing, deps, writeConcurrency, keepPrevious)
      : undefined,
    issued.strategy === 'regenerate' ? checkNotRegeneratedAgain(capgo, issued.key, (m) => log.warning(m)) : undefined,
    // With a managing-key renewal to follow, the lease covers it too (released in rotate()'s finally).
    followUp ? undefined : lease?.release(),
  ])
  const report = assemble.rotatedReport(settings, found, issued, writes, { variable, retirement, regeneratedAgain })
  if (report.failure === undefined && followUp) report.failure = await followUp.run()
  return report
}
