import type { CapgoGeneration, CapgoKey } from './capgo-client.js'
import type { OrgAccess, PreparedTarget } from './github-secret-store.js'
import { describeTarget, type TargetRef } from './targets.js'
import type { PreviousKeys, RegenerateChoice } from './previous-keys.js'
import type { Settings } from './settings.js'

// The words for what a run will do: the dry run's plan, and the scope lines of the summary.

export interface PlanInput {
  readonly settings: Settings
  /** What will be done first: create (possibly falling back), or regenerate this id. */
  readonly strategy: 'create' | 'regenerate'
  readonly regenerateChoice: RegenerateChoice
  /** What the preflight list showed; 'unknown' means Capgo's answer to the create decides. */
  readonly generation: CapgoGeneration
  readonly previous: PreviousKeys
  readonly targets: readonly PreparedTarget[]
  /** The id the variable holds now, and whether it exists. */
  readonly variable: { readonly name: string; readonly current: string | undefined } | undefined
}

export function describePlan(input: PlanInput): string[] {
  const { settings, strategy, regenerateChoice, generation, previous, targets, variable } = input
  const expiry = settings.expiresInDays ? `expires ${settings.expiresInDays} days after the rotation` : 'no expiry'
  const lines: string[] = []
  if (strategy === 'regenerate' && regenerateChoice.ok) {
    lines.push(`regenerate Capgo key ${regenerateChoice.id} in place (${expiry}; its rights stay as set in Capgo)`)
    if (regenerateChoice.kept.length > 0) {
      lines.push(
        `keep key(s) ${ids(regenerateChoice.kept)} alive: the value the secrets hold now keeps working until the next run (keep-previous: ${settings.keepPrevious})`,
      )
    }
  } else {
    lines.push(
      `create Capgo key '${settings.keyName}' (mode ${settings.keyMode}, ${describeScope(settings)}, ${expiry})`,
    )
    if (settings.strategy === 'auto' && generation === 'unknown') {
      lines.push(
        regenerateChoice.ok
          ? `if Capgo refuses to create keys (current Capgo), regenerate key ${regenerateChoice.id} instead`
          : `if Capgo refuses to create keys (current Capgo), the run fails: ${regenerateChoice.problem}`,
      )
    }
  }
  for (const target of targets) {
    const access = target.orgAccess ? `, ${describeOrgAccess(target.ref, target.orgAccess)}` : ''
    lines.push(`write ${describeTarget(target.ref)}: ${expectedWrite(target)}${access}`)
  }
  if (variable) {
    const id = strategy === 'regenerate' && regenerateChoice.ok ? String(regenerateChoice.id) : "the new key's id"
    lines.push(
      `set variable ${variable.name} to ${id} (${variable.current === undefined ? 'created' : `updated from ${variable.current}`})`,
    )
  }
  if (strategy === 'create') {
    lines.push(
      previous.retired.length > 0
        ? `then delete previous key(s) ${ids(previous.retired)}`
        : 'no previous key to delete',
    )
    if (previous.kept.length > 0)
      lines.push(`keep previous key(s) ${ids(previous.kept)} alive (keep-previous: ${settings.keepPrevious})`)
  }
  return lines
}

function expectedWrite(target: PreparedTarget): string {
  if (target.existing === undefined) return 'created or updated'
  return target.existing === null ? 'created' : 'updated'
}

function ids(keys: readonly CapgoKey[]): string {
  return keys.map((k) => k.id).join(', ')
}

export function describeOrgAccess(ref: TargetRef, access: OrgAccess): string {
  const how = access.isNew
    ? 'new secret with'
    : ref.kind === 'organization' && ref.visibility !== undefined
      ? 'setting'
      : 'keeping'
  const selected =
    access.visibility === 'selected' ? ` (repository ids ${access.selectedRepositoryIds.join(', ') || 'none'})` : ''
  return `${how} visibility ${access.visibility}${selected}`
}

export function describeScope(settings: Pick<Settings, 'limitedToApps' | 'limitedToOrgs'>): string {
  const parts: string[] = []
  if (settings.limitedToApps.length > 0) parts.push(`apps ${settings.limitedToApps.join(', ')}`)
  if (settings.limitedToOrgs.length > 0) parts.push(`orgs ${settings.limitedToOrgs.join(', ')}`)
  return parts.length > 0 ? `limited to ${parts.join('; ')}` : 'not limited to apps or orgs'
}
