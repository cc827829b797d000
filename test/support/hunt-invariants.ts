import { findLeaks } from './outputs.js'
import { SECRET, TOKEN, VARIABLE, WORKFLOW_REPO, type RunRecord, type World } from './hunt-world.js'

// The invariants of docs/contract.md ("What must always hold") that a hunt case checks, each
// returning the broken ones as sentences that start with a stable tag (for grouping findings).

export interface Holding {
  readonly label: string
  /** No secret there (never written). */
  readonly absent: boolean
  /** Id of the live key whose value it holds; undefined when no live key has it. */
  readonly liveId: number | undefined
  /** For a dead value: the id it belonged to, when known. */
  readonly formerId: number | undefined
}

export function holdings(world: World): Holding[] {
  return world.targets.map(({ scope, label }) => {
    if (!world.github.stored(scope, SECRET)) return { label, absent: true, liveId: undefined, formerId: undefined }
    const value = world.github.decrypt(scope, SECRET)
    const live = [...world.capgo.keys.values()].find((k) => k.key === value)
    return { label, absent: false, liveId: live?.id, formerId: live ? undefined : world.idOfValue.get(value) }
  })
}

/** After the faulted runs: no dead key in a secret, the managing key untouched, nothing leaked. */
export function checkAfterFaults(world: World, runs: readonly RunRecord[], stdout: string): string[] {
  const problems: string[] = []
  // Regenerating replaces the value at once; a write that then fails for good leaves that target
  // on the old, dead value. Inherent (docs/contract.md, step 4), so excused when a run failed
  // and said so; the re-run heals it.
  const saidDead = runs.some((run) => run.failure !== undefined && /no longer works/.test(run.failure))
  // Overlapping runs are kept apart by the lease; a run that went on without it (the token may not
  // write variables: it warns so) may race the other, as the README's security notes say. Then only
  // the re-run's convergence is required.
  const unguardedOverlap = overlappedUnguarded(runs)
  for (const h of holdings(world)) {
    if (h.absent || h.liveId !== undefined) continue
    if (saidDead || unguardedOverlap) continue
    const was =
      h.formerId === undefined
        ? 'a value no live key has'
        : `the value of key ${h.formerId}, which is gone or was regenerated`
    const outcomes = runs.map((r) => `${r.label} ${r.failure === undefined ? 'succeeded' : 'failed'}`).join(', ')
    problems.push(`dead-key: ${h.label} holds ${was} (${outcomes})`)
  }
  problems.push(...checkManagingKey(world))
  problems.push(...checkLeaks(world, runs, stdout))
  problems.push(...checkLeaseReleased(world, runs))
  return problems
}

/** Names of lease variables left in the workflow's repository. */
export function leftLeases(world: World): string[] {
  return world.github.variableNames(WORKFLOW_REPO).filter((name) => name.startsWith('CAPGO_ROTATION_LEASE_'))
}

/** Every run gives its lease back, or says that it could not (then it expires by itself). */
export function checkLeaseReleased(world: World, runs: readonly RunRecord[]): string[] {
  const left = leftLeases(world)
  if (left.length === 0) return []
  const warned = runs.some((run) => run.warnings.some((w) => /expires by itself/.test(w)))
  return warned
    ? []
    : [`lease-left: the lease ${left.join(', ')} is still held after every run ended, and no run said so`]
}

/** Two runs overlapped, and one of them went on without the lease (it warned so). */
export function overlappedUnguarded(runs: readonly RunRecord[]): boolean {
  return runs.length > 1 && runs.some((run) => run.warnings.some((w) => /goes on without the lease/.test(w)))
}

export function checkManagingKey(world: World): string[] {
  const managing = world.capgo.keys.get(world.capgo.managingKey.id)
  if (!managing) return [`managing-key: the managing key ${world.capgo.managingKey.id} was deleted`]
  if (managing.key !== world.managingValue) return [`managing-key: the managing key ${managing.id} was regenerated`]
  return []
}

export function checkLeaks(world: World, runs: readonly RunRecord[], stdout: string): string[] {
  const secrets = [TOKEN, ...world.capgo.allKeyValues()]
  const problems: string[] = []
  // Everything the runs printed: @actions/core's stdout, each Logger, each ::error:: text.
  const printed = [stdout, ...runs.flatMap((run) => [...run.log, run.printedError ?? ''])].join('\n')
  for (const leak of findLeaks({ log: printed, summary: '', outputs: {} }, secrets)) problems.push(`leak: ${leak}`)
  for (const run of runs) {
    for (const leak of findLeaks({ log: '', summary: run.summary, outputs: run.outputs }, secrets))
      problems.push(`leak: run ${run.label}: ${leak}`)
  }
  return problems
}

/**
 * After the clean re-run: it succeeded, and the rotation converged. `unguardedOverlap`: the faulted
 * runs raced without the lease; a re-run that is not due cannot see what they left (secrets are
 * write-only, and their timestamps prove nothing without the lease), so it converges at the next
 * due rotation (README, security notes): then it must only change nothing.
 */
export function checkConverged(world: World, rerun: RunRecord, stdout: string, unguardedOverlap = false): string[] {
  const problems: string[] = []
  if (rerun.failure !== undefined) problems.push(`rerun-failed: the clean re-run failed: ${firstLine(rerun.failure)}`)
  if (unguardedOverlap && rerun.report?.nextDueAt !== undefined) {
    const deleted = rerun.report.deletedKeyIds
    if (deleted.length > 0)
      problems.push(
        `rerun-unguarded-delete: a not-due re-run after unguarded overlapping runs deleted key(s) ${deleted.join(', ')}`,
      )
    problems.push(...checkManagingKey(world).map((p) => `rerun-${p}`))
    problems.push(...checkLeaks(world, [rerun], stdout).map((p) => `rerun-${p}`))
    return problems
  }
  const held = holdings(world)
  for (const h of held) {
    if (h.absent) problems.push(`rerun-no-secret: ${h.label} holds no secret after the re-run`)
    else if (h.liveId === undefined) problems.push(`rerun-dead-key: ${h.label} holds a dead key after the re-run`)
  }
  const ids = new Set(held.map((h) => h.liveId))
  if (ids.size > 1)
    problems.push(`rerun-split: the targets hold different keys (${[...ids].map((id) => id ?? 'dead').join(', ')})`)
  const heldId = held[0]?.liveId
  const { settings } = world
  const creates = world.scenario.generation === 'classic'
  const named = world.capgo.named(settings.keyName)
  const notDue = rerun.report?.nextDueAt !== undefined
  // A run that was not due retires leftovers only when every target provably holds the newest key.
  const newest = [...named].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0]
  const retiresLeftovers = !notDue || (heldId !== undefined && ids.size === 1 && heldId === newest?.id)
  if (creates && retiresLeftovers && named.length > settings.keepPrevious + 1) {
    problems.push(
      `${notDue ? 'rerun-not-due-extra-keys' : 'rerun-extra-keys'}: ${named.length} keys named key-name (ids ${named.map((k) => k.id).join(', ')}) after ` +
        `${notDue ? 'a not-due' : 'a'} re-run, with keep-previous ${settings.keepPrevious}`,
    )
  }
  if (settings.keyIdVariable && rerun.failure === undefined && heldId !== undefined) {
    const value = world.github.variable(WORKFLOW_REPO, VARIABLE)
    // A not-due run leaves the variable as it was; one that rotated must leave it on the held key.
    if (value === undefined ? !notDue : value !== String(heldId))
      problems.push(`rerun-variable: ${VARIABLE} holds ${value}, the targets hold ${heldId}`)
  }
  problems.push(...checkManagingKey(world).map((p) => `rerun-${p}`))
  problems.push(...checkLeaks(world, [rerun], stdout).map((p) => `rerun-${p}`))
  return problems
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? ''
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}
