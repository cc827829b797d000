import { describePlan } from './plan.js'
import type { Preflight } from './preflight.js'
import { dryRunReport } from './rotation-report.js'
import type { RotationDeps, RotationReport } from './rotation-types.js'
import type { Settings } from './settings.js'

// Step 3 of docs/contract.md: a dry run stops after preflight with the plan (plan.ts) in the log,
// the summary and the outputs. Nothing is changed.

export function planDryRun(
  settings: Settings,
  deps: Pick<RotationDeps, 'followUp' | 'log'>,
  found: Preflight,
): RotationReport {
  const strategy = found.expectRegenerate ? 'regenerate' : 'create'
  const variable = settings.keyIdVariable ? { name: settings.keyIdVariable, current: found.variableValue } : undefined
  const plan = [
    ...describePlan({
      settings,
      strategy,
      regenerateChoice: found.regenerateChoice,
      generation: found.listing.generation,
      previous: found.previous,
      targets: found.targets,
      variable,
    }),
    ...(deps.followUp?.plan() ?? []),
  ]
  for (const line of plan) deps.log.info(`Dry run: ${line}`)
  return dryRunReport(settings, found, strategy, plan)
}
