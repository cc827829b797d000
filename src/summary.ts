import type { ManagingKeyOutcome } from './managing-key.js'
import { describeScope } from './plan.js'
import { code, joinMd, link, list, md, table, type Markdown } from './markdown.js'
import type { RotationReport, TargetOutcome } from './rotation.js'
import type { Settings } from './settings.js'
import { capgoKeysPage, githubWebUrl, secretsPage, variablesPage } from './summary-links.js'

// The job summary, for a maintainer who gives it three seconds: a verdict first, then where each
// secret lives and what happened to it, the key, the earlier keys, and the run's warnings. It says
// only what the run observed or did (a skipped run shows the secrets' ages, not the settings).
// Every piece of outside text goes through the `md` tag, which escapes it (src/markdown.ts).

export interface SummaryInput {
  readonly settings: Settings | undefined
  readonly report: RotationReport | undefined
  /** Why the run fails, if it does. */
  readonly failure: string | undefined
  readonly startedAt: Date
  readonly finishedAt: Date
  /** What the run warned about and noted, as logged. */
  readonly warnings: readonly string[]
  readonly notices: readonly string[]
  /** GITHUB_SERVER_URL for the links. */
  readonly env: NodeJS.ProcessEnv
  /** With managing-key-secret: what became of the managing key. */
  readonly renewal?: ManagingKeyOutcome | undefined
  /** The run stopped before it finished: cancelled by the runner, or an error nothing caught (src/cancellation.ts). */
  readonly stopped?: boolean
}

type Kind = 'rotated' | 'regenerated' | 'dry-run' | 'not-due' | 'partial' | 'failed' | 'stopped'

function kindOf(report: RotationReport | undefined, failure: string | undefined, stopped = false): Kind {
  if (stopped) return 'stopped'
  if (!report) return 'failed'
  if (report.failure || failure) return report.rotated ? 'partial' : 'failed'
  if (report.nextDueAt) return 'not-due'
  if (report.dryRun) return 'dry-run'
  return report.strategy === 'regenerate' ? 'regenerated' : 'rotated'
}

export function renderSummary(input: SummaryInput): string {
  const { settings, report, failure } = input
  const kind = kindOf(report, failure, input.stopped)
  const web = settings ? githubWebUrl(settings.githubApiUrl, input.env) : undefined
  const blocks: Markdown[] = [md`## ${verdict(kind, report, settings)}`, timing(kind, input)]
  if (report && settings) {
    if (report.targets.length > 0) blocks.push(targetsTable(kind, report, web))
    const facts = keyFacts(kind, report, settings, web)
    if (settings.managingKeySecret) facts.push(md`**Managing key:** ${describeManaging(input.renewal)}`)
    if (facts.length > 0) blocks.push(list(facts))
    if (kind === 'dry-run' && report.plan.length > 0)
      blocks.push(md`### Plan`, list(report.plan.map((line) => md`${line}`)))
  }
  if (failure) blocks.push(md`### What went wrong`, md`${failure}`)
  // A warning that repeats the failure (a failed write is both) is shown once.
  const warnings = input.warnings.filter((warning) => !failure?.includes(warning))
  if (warnings.length > 0) blocks.push(md`### Warnings`, list(warnings.map((warning) => md`⚠️ ${warning}`)))
  if (input.notices.length > 0) blocks.push(md`### Notices`, list(input.notices.map((notice) => md`ℹ️ ${notice}`)))
  return `${blocks.map((block) => block.source).join('\n\n')}\n`
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`
const idList = (ids: readonly number[]) => ids.join(', ')
const keys = (ids: readonly number[]) => `${ids.length === 1 ? 'key' : 'keys'} ${idList(ids)}`

function verdict(kind: Kind, report: RotationReport | undefined, settings: Settings | undefined): Markdown {
  const targets = report?.targets ?? []
  const secrets = plural(targets.length, 'secret')
  const id = report?.newKey?.id
  switch (kind) {
    case 'rotated': {
      const retired = report!.deletedKeyIds.length > 0 ? `; retired ${keys(report!.deletedKeyIds)}` : ''
      const kept = report!.keptKeyIds.length > 0 ? `; kept ${keys(report!.keptKeyIds)} alive` : ''
      return md`✅ Rotated key ${id!} into ${secrets}${retired}${kept}`
    }
    case 'regenerated':
      return md`✅ Regenerated key ${id!} in place and wrote ${secrets}`
    case 'dry-run':
      return report!.strategy === 'regenerate'
        ? md`🔍 Dry run: would regenerate key ${report!.previousKeyIds[0]!} in place and write ${secrets}`
        : md`🔍 Dry run: would create a new key and write ${secrets}`
    case 'not-due':
      return md`⏭️ Not due: every secret was updated less than ${plural(settings!.rotateAfterDays!, 'day')} ago`
    case 'partial': {
      const written = targets.filter((t) => t.result === 'created' || t.result === 'updated').length
      if (written < targets.length) {
        return report!.strategy === 'regenerate'
          ? md`⚠️ Partly done: key ${id!} was regenerated, but only ${written} of ${secrets} hold its new value`
          : md`⚠️ Partly done: new key ${id!} reached ${written} of ${secrets}`
      }
      const after =
        report!.variable?.result === 'failed'
          ? `the variable ${report!.variable.name} was not updated`
          : 'retiring the earlier keys failed'
      return md`⚠️ Rotated key ${id!} into ${secrets}, but ${after}`
    }
    case 'stopped':
      return md`🛑 Stopped before the rotation finished: run it again`
    case 'failed':
      return report?.strategy === 'regenerate' && report.failure
        ? md`❌ Failed: the key was regenerated, but no secret could be written`
        : md`❌ Failed: no secret was written`
  }
}

function timing(kind: Kind, input: SummaryInput): Markdown {
  const took = `Capgo key rotation took ${duration(input.finishedAt.getTime() - input.startedAt.getTime())}, finished ${humanTime(input.finishedAt)}.`
  if (kind === 'dry-run') return md`${took} Nothing was changed.`
  if (kind === 'not-due') {
    const due = input.report!.nextDueAt!
    return md`${took} Nothing was changed. Next rotation due **${humanTime(due) ?? due}** (${relative(due, input.finishedAt)}).`
  }
  return md`${took}`
}

function targetsTable(kind: Kind, report: RotationReport, web: string | undefined): Markdown {
  // Which key a target holds matters only when they differ: after a partial write.
  const showHolds = kind === 'partial' || kind === 'failed'
  const header = ['Where', 'Kind', kind === 'not-due' ? 'Last updated' : 'Result', ...(showHolds ? ['Holds'] : [])]
  const rows = report.targets.map((target) => [
    where(target, web),
    kindOfTarget(target),
    result(kind, target, report),
    ...(showHolds ? [holds(target, report)] : []),
  ])
  // Every target holds the same secret name (secret-name): say it once.
  const names = [...new Set(report.targets.map((t) => t.ref.secret))]
  return md`Secret ${joinMd(names.map(code), ', ')} in ${plural(report.targets.length, 'place')}:\n\n${table(header, rows)}`
}

function where(target: TargetOutcome, web: string | undefined): Markdown {
  const { ref } = target
  const url = secretsPage(web, ref)
  return ref.kind === 'organization' ? link(ref.owner, url) : link(`${ref.owner}/${ref.repo}`, url)
}

function kindOfTarget(target: TargetOutcome): Markdown {
  const { ref } = target
  const type = ref.type === 'dependabot' ? 'Dependabot' : 'Actions'
  switch (ref.kind) {
    case 'repository':
      return md`repository, ${type}`
    case 'environment':
      return md`environment ${code(ref.environment)}`
    case 'organization': {
      const access = target.orgAccess
      // The one place access means something: who may read an organization secret.
      const visible = !access
        ? ''
        : access.visibility === 'selected'
          ? `, visible to ${plural(access.selectedRepositoryIds.length, 'selected repository', 'selected repositories')}`
          : access.visibility === 'all'
            ? ', visible to all repositories'
            : ', visible to private repositories'
      return md`organization, ${type}${visible}`
    }
  }
}

function result(kind: Kind, target: TargetOutcome, report: RotationReport): Markdown {
  switch (target.result) {
    case 'created':
      return md`created`
    case 'updated':
      return md`updated`
    case 'failed':
      return md`**failed**`
    case 'skipped': {
      const updated = target.before?.updatedAt
      return updated ? md`${humanTime(updated) ?? updated} (${relative(updated, new Date())})` : md`unknown`
    }
    case 'planned':
      if (kind !== 'dry-run') return md`not written`
      return target.before === null ? md`would be created` : target.before ? md`would be updated` : md`would be written`
  }
  return md`${report.dryRun ? 'planned' : target.result}`
}

function holds(target: TargetOutcome, report: RotationReport): Markdown {
  if (target.holdsKeyId !== undefined) return md`key ${target.holdsKeyId} (new)`
  if (target.mayHoldKeyId !== undefined)
    return md`**unknown**: new key ${target.mayHoldKeyId} or its previous value (both left alive)`
  if (report.strategy === 'regenerate')
    return md`the old value of key ${report.previousKeyIds[0] ?? '?'}, which no longer works`
  return report.previousKeyIds.length > 0
    ? md`its previous value (key ${idList(report.previousKeyIds)})`
    : md`its previous value`
}

function keyFacts(kind: Kind, report: RotationReport, settings: Settings, web: string | undefined): Markdown[] {
  // A skipped run observed no key; a dry run's plan already says what would happen to it.
  if (kind === 'not-due') return []
  if (kind === 'dry-run') {
    const page = capgoKeysPage(settings.capgoApiUrl)
    return page ? [md`**Manage keys:** ${link('Capgo API keys', page)}`] : []
  }
  const facts: Markdown[] = []
  const key = report.newKey
  const capgoPage = capgoKeysPage(settings.capgoApiUrl)
  if (key && report.strategy === 'regenerate') {
    facts.push(
      md`**Key ${key.id}** ${code(key.name)}: regenerated in place (same id, new value; the old value no longer works). Mode and scope stay as set in Capgo${key.mode ? md` (mode ${key.mode})` : md``}.`,
    )
  } else if (key) {
    facts.push(
      md`**Key ${key.id}** ${code(key.name)}: new, mode ${key.mode ?? settings.keyMode}, ${describeScope(settings)}.`,
    )
  }
  if (key) {
    const expires = key.expiresAt
      ? md`${humanTime(key.expiresAt) ?? key.expiresAt} (${relative(key.expiresAt, new Date())})`
      : md`never (no expiry)`
    facts.push(md`**Expires:** ${expires}`)
  }
  if (key || report.deletedKeyIds.length > 0 || report.keptKeyIds.length > 0)
    facts.push(earlierKeys(kind, report, settings))
  if (report.variable && settings.workflowRepository) {
    const { owner, repo } = settings.workflowRepository
    const name = link(report.variable.name, variablesPage(web, owner, repo))
    const value = key ? md` (key id ${key.id})` : md``
    const state: Record<string, Markdown> = {
      created: md`created${value}`,
      updated: md`updated${value}`,
      unchanged: md`unchanged${value}`,
      planned: md`not written`,
      failed: md`**not updated**${key ? md`: it should hold ${key.id}` : md``}`,
    }
    facts.push(md`**Variable** ${name}: ${state[report.variable.result]!}`)
  }
  if (capgoPage) facts.push(md`**Manage keys:** ${link('Capgo API keys', capgoPage)}`)
  return facts
}

function earlierKeys(kind: Kind, report: RotationReport, settings: Settings): Markdown {
  if (report.strategy === 'regenerate') {
    return report.keptKeyIds.length > 0
      ? md`**Earlier keys:** ${idList(report.keptKeyIds)} kept alive, so the value the secrets held until now works until the next run (keep-previous: ${settings.keepPrevious})`
      : md`**Earlier keys:** none deleted (a regenerated key replaces its own value)`
  }
  const parts: Markdown[] = []
  if (report.deletedKeyIds.length > 0) parts.push(md`deleted ${idList(report.deletedKeyIds)}`)
  if (report.keptKeyIds.length > 0)
    parts.push(md`kept ${idList(report.keptKeyIds)} alive (keep-previous: ${settings.keepPrevious})`)
  const leftAlive = report.previousKeyIds.filter(
    (id) => !report.deletedKeyIds.includes(id) && !report.keptKeyIds.includes(id),
  )
  // After a failure the replaced keys stay alive on purpose: say so, they are not forgotten.
  if (leftAlive.length > 0)
    parts.push(kind === 'partial' ? md`${idList(leftAlive)} **still alive**` : md`${idList(leftAlive)} still alive`)
  if (report.notFoundKeyIds.length > 0)
    parts.push(md`${idList(report.notFoundKeyIds)} not found (already gone, or not visible to the managing key)`)
  if (parts.length === 0) parts.push(md`none to delete`)
  return md`**Earlier keys:** ${joinMd(parts, '; ')}`
}

/** `2026-11-28 02:30 UTC`: minutes, no seconds or milliseconds. */
export function humanTime(value: Date | string): string | undefined {
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime()
  if (Number.isNaN(time)) return undefined
  const iso = new Date(time).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}

export function duration(ms: number): string {
  if (ms < 100) return 'under 0.1 s'
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** `in 5 days`, `2 hours ago`. */
export function relative(value: string, now: Date): string {
  const time = Date.parse(value)
  if (Number.isNaN(time)) return 'unknown'
  const delta = time - now.getTime()
  const abs = Math.abs(delta)
  const amount =
    abs >= 2 * 86_400_000
      ? plural(Math.round(abs / 86_400_000), 'day')
      : abs >= 2 * 3_600_000
        ? plural(Math.round(abs / 3_600_000), 'hour')
        : plural(Math.max(1, Math.round(abs / 60_000)), 'minute')
  return delta >= 0 ? `in ${amount}` : `${amount} ago`
}

function describeManaging(managing: ManagingKeyOutcome | undefined): Markdown {
  switch (managing?.status) {
    case undefined:
    case 'not-run':
      return md`not renewed this run`
    case 'planned':
      return md`would be renewed and stored in ${managing.where}`
    case 'renewed':
      return md`key ${managing.storedKeyId ?? '?'} now stored in ${managing.where}${managing.retiredKeyId !== undefined ? md`; old key ${managing.retiredKeyId} deleted` : md``}`
    case 'failed':
      return managing.storedKeyId !== undefined
        ? md`key ${managing.storedKeyId} now stored in ${managing.where}, but the renewal did not finish (see below)`
        : md`**renewal failed**; ${managing.where} unchanged or unverified (see below)`
  }
}
