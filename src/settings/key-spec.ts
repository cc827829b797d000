import { CONTROL, type Input, oneOf, parseList, parseWholeNumber, type Reading, type RepositoryRef } from './parse.js'
import type { SecretType, Targets } from './targets.js'

// The key a rotation makes: how (strategy), with which rights (key-mode), under which name, bound
// to which apps and organizations, for how long. Read in two parts, the kind and the scope, only
// because their problems have always been reported on either side of the targets' ones.

export const STRATEGIES = ['auto', 'create', 'regenerate'] as const
export const KEY_MODES = ['read', 'upload', 'write', 'all'] as const
export type Strategy = (typeof STRATEGIES)[number]
export type KeyMode = (typeof KEY_MODES)[number]

export interface KeyKind {
  /** Undefined only with a problem. */
  readonly strategy: Strategy | undefined
  readonly keyMode: KeyMode | undefined
}

export interface KeyScope {
  /** As given; undefined when empty, for the default (defaultKeyName) to fill. */
  readonly keyName: string | undefined
  readonly limitedToApps: readonly string[]
  readonly limitedToOrgs: readonly string[]
  readonly expiresInDays: number | undefined
}

// Capgo's app ids are reverse-domain names (Capgo's CLI, cli/src/app/add.ts: reverseDomainRegex).
const APP_ID = /^[a-z0-9]+(\.[\w-]+)+$/i
// Capgo org ids are UUIDs; classic Capgo casts them and fails with a generic 400 otherwise.
const ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Line breaks, other control and format characters (bidi overrides among them): never in a name we print and send.
const KEY_NAME_MAX = 256

export function readKeyKind(input: Input): Reading<KeyKind> {
  const problems: string[] = []
  const strategy = oneOf('strategy', input('strategy') || 'auto', STRATEGIES, problems)
  const keyMode = oneOf('key-mode', input('key-mode') || 'upload', KEY_MODES, problems)
  return { value: { strategy, keyMode }, problems }
}

export function readKeyScope(input: Input): Reading<KeyScope> {
  const problems: string[] = []
  const keyName = input('key-name') || undefined
  if (keyName !== undefined && (keyName.length > KEY_NAME_MAX || CONTROL.test(keyName))) {
    problems.push(
      `key-name: must be 1 to ${KEY_NAME_MAX} printable characters, without line breaks or control characters`,
    )
  }

  const limitedToApps = parseList(input('limited-to-apps'))
  for (const app of limitedToApps) {
    if (!APP_ID.test(app))
      problems.push(`limited-to-apps: '${app}' is not a Capgo app id (reverse-domain form, e.g. com.example.app)`)
  }
  const limitedToOrgs = parseList(input('limited-to-orgs'))
  for (const org of limitedToOrgs) {
    if (!ORG_ID.test(org)) {
      problems.push(
        `limited-to-orgs: '${org}' is not a Capgo organization id (a UUID, as shown in the Capgo dashboard's organization settings)`,
      )
    }
  }

  const expiresInDays = parseWholeNumber('expires-in-days', input('expires-in-days'), 1, 365, problems)
  return { value: { keyName, limitedToApps, limitedToOrgs, expiresInDays }, problems }
}

/**
 * The default key-name names the destination, so that two rotations get two names. It is derived
 * only when every target is in the workflow's own repository: a step writing acme/web and another
 * writing acme/docs from the same workflow repository would otherwise share a name and retire
 * each other's keys (docs/contract.md, key-name). '' with a problem when there is no default.
 */
export function defaultKeyName(workflowRepo: RepositoryRef | undefined, targets: Targets): Reading<string> {
  if (!workflowRepo) {
    return {
      value: '',
      problems: ['key-name: empty, and GITHUB_REPOSITORY is not set to derive the default from; set key-name'],
    }
  }
  const { repositories, organization, environment, secretName, secretTypes } = targets
  const own = `${workflowRepo.owner}/${workflowRepo.repo}`
  const elsewhere = [
    ...repositories
      .filter((r) => `${r.owner}/${r.repo}`.toLowerCase() !== own.toLowerCase())
      .map((r) => `${r.owner}/${r.repo}`),
    ...(organization !== undefined ? [`organization ${organization}`] : []),
  ]
  const name = (where: string) =>
    `github-actions:${where}:${environment !== undefined ? `${environment}:` : ''}${secretName}${dependabotOnly(secretTypes) ? ':dependabot' : ''}`
  if (elsewhere.length > 0) {
    const where =
      organization !== undefined
        ? `org:${organization}`
        : elsewhere.length === 1
          ? elsewhere[0]!
          : `${elsewhere[0]}+${elsewhere.length - 1}`
    return {
      value: '',
      problems: [
        `key-name: required when a target lies outside the workflow's repository ${own} (here: ${elsewhere.join(', ')}). ` +
          `Every run retires all earlier keys of its key-name, so two rotations sharing the default would delete each other's keys: ` +
          `set a key-name unique to this rotation, e.g. '${name(where)}'`,
      ],
    }
  }
  return { value: name(own), problems: [] }
}

function dependabotOnly(secretTypes: readonly SecretType[]): boolean {
  return secretTypes.length > 0 && secretTypes.every((t) => t === 'dependabot')
}
