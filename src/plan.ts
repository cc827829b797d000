import type { CapgoKey } from './capgo-client.js'
import { describeTarget, type OrgAccess, type PreparedTarget, type TargetRef } from './github-targets.js'
import type { PreviousKeys } from './previous-keys.js'
import type { Settings } from './settings.js'

// The words for what a run will do: the dry run's plan, and the scope lines of the summary.

export interface PlanInput {
  readonly settings: Settings
  /** What will be done first: create (possibly falling back), or regenerate this id. */
  readonly strategy: 'create' | 'regenerate'
  readonly regenerateChoice: number | string
  readonly previous: PreviousKeys
  readonly targets: readonly PreparedTarget[]
  /** The id the variable holds now, and whether it exists. */
  readonly variable: { readonly name: string; readonly current: string | undefined } | undefined
}

export function describePlan(input: PlanInput): string[] {
  const { settings, strategy, regenerateChoice, previous, targets, variable } = input
  const expiry = settings.expiresInDays ? `expires ${settings.expiresInDays} days after the rotation` : 'no expiry'
  const lines: string[] = []
  if (strategy === 'regenerate') {
    lines.push(`regenerate Capgo key ${String(regenerateChoice)} in place (${expiry}; its mode and scope stay as set in Capgo)`)
  } else {
    lines.push(`create Capgo key '${settings.keyName}' (mode ${settings.keyMode}, ${describeScope(settings)}, ${expiry})`)
    if (settings.strategy === 'auto') {
      lines.push(
        typeof regenerateChoice === 'number'
          ? `if Capgo refuses to create keys, regenerate key ${regenerateChoice} instead`
          : `if Capgo refuses to create keys, the run fails: ${regenerateChoice}`,
      )
    }
  }
  for (const target of targets) {
    const access = target.orgAccess ? `, ${describeOrgAccess(target.ref, target.orgAccess)}` : ''
    lines.push(`write ${describeTarget(target.ref)}: ${expectedWrite(target)}${access}`)
  }
  if (variable) {
    const id = strategy === 'regenerate' ? String(regenerateChoice) : "the new key's id"
    lines.push(`set variable ${variable.name} to ${id} (${variable.current === undefined ? 'created' : `updated from ${variable.current}`})`)
  }
  if (strategy === 'create') {
    lines.push(previous.retired.length > 0 ? `then delete previous key(s) ${ids(previous.retired)}` : 'no previous key to delete')
    if (previous.kept.length > 0) lines.push(`keep previous key(s) ${ids(previous.kept)} alive (keep-previous: ${settings.keepPrevious})`)
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
  const how = access.isNew ? 'new secret with' : ref.kind === 'organization' && ref.visibility !== undefined ? 'setting' : 'keeping'
  const selected = access.visibility === 'selected' ? ` (repository ids ${access.selectedRepositoryIds.join(', ') || 'none'})` : ''
  return `${how} visibility ${access.visibility}${selected}`
}

export function describeScope(settings: Pick<Settings, 'limitedToApps' | 'limitedToOrgs'>): string {
  const parts: string[] = []
  if (settings.limitedToApps.length > 0) parts.push(`apps ${settings.limitedToApps.join(', ')}`)
  if (settings.limitedToOrgs.length > 0) parts.push(`orgs ${settings.limitedToOrgs.join(', ')}`)
  return parts.length > 0 ? `limited to ${parts.join('; ')}` : 'not limited to apps or orgs'
}
