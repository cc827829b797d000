import * as core from '@actions/core'
import { urlForMessage } from './log-text.js'
import { registerSecret } from './secrets.js'

// All inputs are read and checked here, once, before any request is sent. Every problem is
// collected so that a user fixes a workflow in one round instead of one error per run.

export const STRATEGIES = ['auto', 'create', 'regenerate'] as const
export const KEY_MODES = ['read', 'upload', 'write', 'all'] as const
export const SECRET_TYPES = ['actions', 'dependabot'] as const
export const ORG_VISIBILITIES = ['all', 'private', 'selected'] as const
export type Strategy = (typeof STRATEGIES)[number]
export type KeyMode = (typeof KEY_MODES)[number]
export type SecretType = (typeof SECRET_TYPES)[number]
export type OrgVisibility = (typeof ORG_VISIBILITIES)[number]

export interface RepositoryRef {
  readonly owner: string
  readonly repo: string
}

export interface Settings {
  readonly capgoApiKey: string
  readonly capgoApiUrl: string
  readonly strategy: Strategy
  readonly keyName: string
  readonly keyMode: KeyMode
  readonly limitedToApps: readonly string[]
  readonly limitedToOrgs: readonly string[]
  readonly expiresInDays: number | undefined
  readonly previousKeyId: number | undefined
  /** Repository Actions variable (in the workflow's repository) remembering the key's id. */
  readonly keyIdVariable: string | undefined
  /** How many of the newest earlier keys to leave alive. */
  readonly keepPrevious: number
  /** Skip the rotation while every target secret is younger than this many days. */
  readonly rotateAfterDays: number | undefined
  /** GITHUB_REPOSITORY: where key-id-variable lives. */
  readonly workflowRepository: RepositoryRef | undefined
  readonly githubToken: string
  readonly githubApiUrl: string
  readonly secretName: string
  readonly repositories: readonly RepositoryRef[]
  /** Write environment secrets of this environment in each repository instead of repository secrets. */
  readonly environment: string | undefined
  /** Also write an organization secret here. */
  readonly organization: string | undefined
  /** Undefined: keep the existing secret's visibility (`private` for a new one). */
  readonly orgVisibility: OrgVisibility | undefined
  /** Repository names (in `organization`) that may read the org secret, with `selected`. */
  readonly orgSelectedRepositories: readonly string[]
  readonly secretTypes: readonly SecretType[]
  readonly dryRun: boolean
  /** Opt-in: renew capgo-api-key after the rotation and store it in this secret of the workflow's repository. */
  readonly managingKeySecret: string | undefined
  /** With managingKeySecret: an environment secret of this environment instead of a repository secret. */
  readonly managingKeyEnvironment: string | undefined
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
    this.name = 'SettingsError'
  }
}

export type InputReader = (name: string) => string

const defaultReader: InputReader = (name) => core.getInput(name)

const NO_SECRETS_HINT =
  'Secrets are not passed to workflows triggered from forks, and Dependabot runs only get Dependabot secrets; ' +
  'check that the secret exists and that the workflow passes it as `${{ secrets.NAME }}`.'

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
// GitHub's rules: owners are alphanumerics and single hyphens (39 max), repositories [A-Za-z0-9._-] (100 max).
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/
const WHOLE_NUMBER = /^[0-9]+$/
// Capgo's app ids are reverse-domain names (Capgo's CLI, cli/src/app/add.ts: reverseDomainRegex).
const APP_ID = /^[a-z0-9]+(\.[\w-]+)+$/i
// Line breaks, other control and format characters (bidi overrides among them): never in a name we print and send.
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u
const KEY_NAME_MAX = 256
/**
 * Names of the action's own throwaway secrets (the write check) and variables (the lease) start
 * with this; users may not name a secret or key-id-variable so, which makes a collision impossible.
 */
export const RESERVED_PREFIX = 'CAPGO_ROTATION_'

export function readSettings(read: InputReader = defaultReader, env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = []
  const input = (name: string): string => read(name).trim()

  // Credentials first, and masked before anything else can print them.
  const capgoApiKey = input('capgo-api-key')
  const githubToken = input('github-token')
  registerSecret(capgoApiKey)
  registerSecret(githubToken)
  if (capgoApiKey === '') {
    problems.push(`capgo-api-key is empty: pass a Capgo API key that can manage keys. ${NO_SECRETS_HINT}`)
  }
  if (githubToken === '') {
    problems.push(
      `github-token is empty: pass a fine-grained personal access token or a GitHub App token with Secrets: read and write. ${NO_SECRETS_HINT}`,
    )
  }

  const capgoApiUrl = parseBaseUrl('capgo-api-url', input('capgo-api-url') || 'https://api.capgo.app', problems)
  const githubApiUrl = parseBaseUrl(
    'github-api-url',
    input('github-api-url') || env.GITHUB_API_URL?.trim() || 'https://api.github.com',
    problems,
  )

  const strategy = oneOf('strategy', input('strategy') || 'auto', STRATEGIES, problems)
  const keyMode = oneOf('key-mode', input('key-mode') || 'upload', KEY_MODES, problems)

  // GitHub secret names are case-insensitive and stored upper-cased: capgo_token and CAPGO_TOKEN
  // are one secret, so one rotation. Compared and named upper-cased from here on.
  const secretNameRaw = input('secret-name') || 'CAPGO_TOKEN'
  checkGitHubName('secret-name', secretNameRaw, 'secret', 'a prefix GitHub reserves for its own secrets', problems)
  const secretName = secretNameRaw.toUpperCase()
  if (secretName.startsWith(RESERVED_PREFIX)) {
    problems.push(
      `secret-name: '${secretName}' starts with ${RESERVED_PREFIX}, which this action reserves for its own throwaway secrets and variables`,
    )
  }

  const workflowRepo = parseWorkflowRepository(env.GITHUB_REPOSITORY)
  const organization = input('organization') || undefined
  if (organization !== undefined && !OWNER.test(organization)) {
    problems.push(`organization: '${organization}' is not an organization login (letters, digits and single hyphens)`)
  }
  // Without an organization the workflow's repository is the default target; with one, only the org.
  const repositories = parseRepositories(input('repositories'), workflowRepo, organization === undefined, problems)

  const environment = input('environment') || undefined
  if (environment !== undefined && environment.length > 255) {
    problems.push(`environment: '${environment.slice(0, 40)}…' is longer than GitHub's 255 characters`)
  }
  if (environment !== undefined && repositories.length === 0) {
    problems.push(
      `environment: '${environment}' is set but no repository is: list the repositories whose environment to write in repositories`,
    )
  }

  const secretTypes = parseSecretTypes(input('secret-types'), problems)
  if (environment !== undefined && secretTypes.includes('dependabot')) {
    problems.push(
      `secret-types: 'dependabot' cannot go with environment '${environment}': GitHub has no Dependabot environment secrets. ` +
        'Use secret-types: actions, or a separate step without environment for the Dependabot secret',
    )
  }

  const orgVisibilityRaw = input('org-visibility')
  const orgVisibility =
    orgVisibilityRaw === '' ? undefined : oneOf('org-visibility', orgVisibilityRaw, ORG_VISIBILITIES, problems)
  const orgSelectedRaw = parseList(input('org-selected-repositories'))
  const orgSelectedRepositories = parseOrgRepositories(orgSelectedRaw, organization, problems)
  if (organization === undefined) {
    if (orgVisibility !== undefined)
      problems.push(`org-visibility: '${orgVisibilityRaw}' is set but organization is not`)
    if (orgSelectedRaw.length > 0) problems.push('org-selected-repositories: set but organization is not')
  } else {
    if (orgVisibility === 'selected' && orgSelectedRaw.length === 0) {
      problems.push(
        "org-visibility: 'selected' needs org-selected-repositories (the repositories that may read the secret); " +
          'leave org-visibility empty to keep the existing selection',
      )
    }
    if (orgSelectedRaw.length > 0 && orgVisibility !== 'selected') {
      problems.push("org-selected-repositories: only applies with org-visibility: 'selected'")
    }
  }

  let keyName = input('key-name')
  if (keyName === '') {
    keyName = defaultKeyName(workflowRepo, repositories, organization, environment, secretName, secretTypes, problems)
  } else if (keyName.length > KEY_NAME_MAX || CONTROL.test(keyName)) {
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
  // Capgo org ids are UUIDs; classic Capgo casts them and fails with a generic 400 otherwise.
  for (const org of limitedToOrgs) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(org)) {
      problems.push(
        `limited-to-orgs: '${org}' is not a Capgo organization id (a UUID, as shown in the Capgo dashboard's organization settings)`,
      )
    }
  }

  const expiresInDays = parseWholeNumber('expires-in-days', input('expires-in-days'), 1, 365, problems)
  const previousKeyId = parseWholeNumber(
    'previous-key-id',
    input('previous-key-id'),
    1,
    Number.MAX_SAFE_INTEGER,
    problems,
  )
  const dryRun = parseBoolean('dry-run', input('dry-run'), false, problems)
  const keepPrevious = parseWholeNumber('keep-previous', input('keep-previous'), 0, 100, problems) ?? 0
  const rotateAfterDays = parseWholeNumber('rotate-after-days', input('rotate-after-days'), 1, 3650, problems)

  const keyIdVariable = input('key-id-variable') || undefined
  if (keyIdVariable !== undefined) {
    checkGitHubName('key-id-variable', keyIdVariable, 'variable', 'a prefix GitHub reserves', problems)
    if (keyIdVariable.toUpperCase().startsWith(RESERVED_PREFIX)) {
      problems.push(
        `key-id-variable: '${keyIdVariable}' starts with ${RESERVED_PREFIX}, which this action reserves for its own variables (the lease)`,
      )
    }
    if (!workflowRepo) problems.push('key-id-variable: needs GITHUB_REPOSITORY, the repository that holds the variable')
  }

  // A key that dies before the next rotation would leave the secrets holding a dead key.
  if (expiresInDays !== undefined && rotateAfterDays !== undefined && expiresInDays <= rotateAfterDays) {
    problems.push(
      `expires-in-days: ${expiresInDays} is not longer than rotate-after-days: ${rotateAfterDays}, so the key would expire before ` +
        `the run that replaces it: set expires-in-days to at least ${rotateAfterDays + 1}, or lower rotate-after-days`,
    )
  }

  const managingKeySecret = input('managing-key-secret') || undefined
  const managingKeyEnvironment = input('managing-key-environment') || undefined
  checkManagingKey(
    managingKeySecret,
    managingKeyEnvironment,
    { secretName, secretTypes, environment, repositories, organization, workflowRepo },
    problems,
  )

  if (problems.length > 0) throw new SettingsError(problems)

  return Object.freeze({
    capgoApiKey,
    capgoApiUrl,
    strategy: strategy as Strategy,
    keyName,
    keyMode: keyMode as KeyMode,
    limitedToApps,
    limitedToOrgs,
    expiresInDays,
    previousKeyId,
    keyIdVariable,
    keepPrevious,
    rotateAfterDays,
    workflowRepository: workflowRepo,
    githubToken,
    githubApiUrl,
    secretName,
    repositories,
    environment,
    organization,
    orgVisibility: orgVisibility as OrgVisibility | undefined,
    orgSelectedRepositories,
    secretTypes,
    dryRun,
    managingKeySecret,
    managingKeyEnvironment,
  })
}

/**
 * managing-key-secret must be a secret name of its own: sharing a name with secret-name where a
 * workflow of this repository reads both (the same collection, or one shadowing the other: an
 * environment secret over a repository secret over an organization secret) would hand one key
 * where the other is expected.
 */
function checkManagingKey(
  secret: string | undefined,
  environment: string | undefined,
  rotation: {
    secretName: string
    secretTypes: readonly SecretType[]
    environment: string | undefined
    repositories: readonly RepositoryRef[]
    organization: string | undefined
    workflowRepo: RepositoryRef | undefined
  },
  problems: string[],
): void {
  if (secret === undefined) {
    if (environment !== undefined)
      problems.push(`managing-key-environment: '${environment}' is set but managing-key-secret is not`)
    return
  }
  checkGitHubName('managing-key-secret', secret, 'secret', 'a prefix GitHub reserves for its own secrets', problems)
  if (environment !== undefined && environment.length > 255) {
    problems.push(`managing-key-environment: '${environment.slice(0, 40)}…' is longer than GitHub's 255 characters`)
  }
  const home = rotation.workflowRepo
  if (!home) {
    problems.push('managing-key-secret: needs GITHUB_REPOSITORY, the repository that holds the secret')
    return
  }
  if (secret.toUpperCase() !== rotation.secretName.toUpperCase() || !rotation.secretTypes.includes('actions')) return
  const sameRepo = (r: RepositoryRef) =>
    r.owner.toLowerCase() === home.owner.toLowerCase() && r.repo.toLowerCase() === home.repo.toLowerCase()
  const inHome = rotation.repositories.some(sameRepo)
  const inHomeOrg =
    rotation.organization !== undefined && rotation.organization.toLowerCase() === home.owner.toLowerCase()
  if (inHome || inHomeOrg) {
    const same = inHome && (rotation.environment ?? '') === (environment ?? '')
    problems.push(
      `managing-key-secret: '${secret}' is ${same ? 'the very secret' : 'the same name as the secret'} that secret-name writes ` +
        `${inHome ? `in ${home.owner}/${home.repo}` : `in organization ${rotation.organization}`}` +
        (same ? '' : ", and one would shadow the other in this repository's workflows") +
        ': give the managing key a secret of its own (e.g. CAPGO_ADMIN_KEY)',
    )
  }
}

/**
 * The default key-name names the destination, so that two rotations get two names. It is derived
 * only when every target is in the workflow's own repository: a step writing acme/web and another
 * writing acme/docs from the same workflow repository would otherwise share a name and retire
 * each other's keys (docs/contract.md, key-name).
 */
function defaultKeyName(
  workflowRepo: RepositoryRef | undefined,
  repositories: readonly RepositoryRef[],
  organization: string | undefined,
  environment: string | undefined,
  secretName: string,
  secretTypes: readonly SecretType[],
  problems: string[],
): string {
  if (!workflowRepo) {
    problems.push('key-name: empty, and GITHUB_REPOSITORY is not set to derive the default from; set key-name')
    return ''
  }
  const own = `${workflowRepo.owner}/${workflowRepo.repo}`
  const elsewhere = [
    ...repositories
      .filter((r) => `${r.owner}/${r.repo}`.toLowerCase() !== own.toLowerCase())
      .map((r) => `${r.owner}/${r.repo}`),
    ...(organization !== undefined ? [`organization ${organization}`] : []),
  ]
  const dependabotOnly = secretTypes.length > 0 && secretTypes.every((t) => t === 'dependabot')
  if (elsewhere.length > 0) {
    const where =
      organization !== undefined
        ? `org:${organization}`
        : elsewhere.length === 1
          ? elsewhere[0]!
          : `${elsewhere[0]}+${elsewhere.length - 1}`
    const suggestion = `github-actions:${where}:${environment !== undefined ? `${environment}:` : ''}${secretName}${dependabotOnly ? ':dependabot' : ''}`
    problems.push(
      `key-name: required when a target lies outside the workflow's repository ${own} (here: ${elsewhere.join(', ')}). ` +
        `Every run retires all earlier keys of its key-name, so two rotations sharing the default would delete each other's keys: ` +
        `set a key-name unique to this rotation, e.g. '${suggestion}'`,
    )
    return ''
  }
  return `github-actions:${own}:${environment !== undefined ? `${environment}:` : ''}${secretName}${dependabotOnly ? ':dependabot' : ''}`
}

/** Knobs from the environment rather than inputs: for slow self-hosted Capgo, tests and benchmarks. */
export interface Tuning {
  /** Timeout of each request attempt, to Capgo and to GitHub. */
  readonly timeoutMs: number
  /** First backoff delay of the retries (Capgo's loop, and plugin-retry's 1, 4, 9 × base). */
  readonly retryBaseMs: number
}

export function readTuning(env: NodeJS.ProcessEnv = process.env): Tuning {
  const problems: string[] = []
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim() ?? ''
    return parseWholeNumber(name, raw, min, max, problems) ?? fallback
  }
  const tuning = {
    timeoutMs: number('CAPGO_ROTATION_TIMEOUT_MS', 20_000, 100, 600_000),
    retryBaseMs: number('CAPGO_ROTATION_RETRY_BASE_MS', 1000, 1, 60_000),
  }
  if (problems.length > 0) throw new SettingsError(problems)
  return tuning
}

/** Commas and newlines separate items; blanks and surrounding spaces are ignored. */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Secret and variable names share GitHub's rules. */
function checkGitHubName(input: string, value: string, noun: string, reserved: string, problems: string[]): void {
  if (!SECRET_NAME.test(value)) {
    problems.push(
      `${input}: '${value}' is not a valid ${noun} name: use letters, digits and underscores, not starting with a digit (no '-' or spaces)`,
    )
  } else if (/^GITHUB_/i.test(value)) {
    problems.push(`${input}: '${value}' starts with GITHUB_, ${reserved}`)
  }
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[], problems: string[]): T | undefined {
  const value = raw.toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  problems.push(`${name}: '${raw}' is not one of ${allowed.join(', ')}`)
  return undefined
}

function parseWholeNumber(name: string, raw: string, min: number, max: number, problems: string[]): number | undefined {
  if (raw === '') return undefined
  const value = Number(raw)
  if (!WHOLE_NUMBER.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`
    problems.push(`${name}: '${raw}' is not ${range}`)
    return undefined
  }
  return value
}

// The YAML 1.2 core schema booleans, as core.getBooleanInput accepts them.
function parseBoolean(name: string, raw: string, fallback: boolean, problems: string[]): boolean {
  if (raw === '') return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  problems.push(`${name}: '${raw}' is not a boolean: use true or false`)
  return fallback
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * An https URL (http only for loopback hosts), returned without a trailing slash. Messages quote
 * the input through urlForMessage: never its userinfo (a password), query or fragment.
 */
function parseBaseUrl(name: string, raw: string, problems: string[]): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    problems.push(`${name}: '${urlForMessage(raw)}' is not a URL: use the form https://host[/path]`)
    return raw
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
  if (!secure) {
    problems.push(
      `${name}: '${urlForMessage(raw)}' must use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and [::1])`,
    )
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push(`${name}: '${urlForMessage(raw)}' must not carry credentials, a query or a fragment`)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function parseWorkflowRepository(value: string | undefined): RepositoryRef | undefined {
  const [owner, repo, ...rest] = (value ?? '').trim().split('/')
  if (!owner || !repo || rest.length > 0) return undefined
  return { owner, repo }
}

function parseSecretTypes(raw: string, problems: string[]): SecretType[] {
  const items = parseList(raw || 'actions').map((item) => item.toLowerCase())
  const types: SecretType[] = []
  for (const item of items) {
    if (!(SECRET_TYPES as readonly string[]).includes(item)) {
      problems.push(`secret-types: '${item}' is not one of ${SECRET_TYPES.join(', ')}`)
    } else if (!types.includes(item as SecretType)) types.push(item as SecretType)
  }
  return types
}

/** Repository names within the organization: `repo`, or `org/repo` with the same org. */
function parseOrgRepositories(
  items: readonly string[],
  organization: string | undefined,
  problems: string[],
): string[] {
  const names: string[] = []
  for (const item of items) {
    const parts = item.split('/')
    const name =
      parts.length === 2 && organization !== undefined && parts[0]!.toLowerCase() === organization.toLowerCase()
        ? parts[1]!
        : item
    if (!REPO.test(name) || name === '.' || name === '..') {
      problems.push(
        `org-selected-repositories: '${item}' is not a repository name of organization ${organization ?? '(unset)'}`,
      )
    } else if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name)
  }
  return names
}

function parseRepositories(
  raw: string,
  workflowRepo: RepositoryRef | undefined,
  defaultToWorkflowRepo: boolean,
  problems: string[],
): RepositoryRef[] {
  const items = parseList(raw)
  if (items.length === 0) {
    if (!defaultToWorkflowRepo) return []
    if (workflowRepo) return [workflowRepo]
    problems.push('repositories: empty, and GITHUB_REPOSITORY is not set to default to; list owner/repo names')
    return []
  }
  const seen = new Set<string>()
  const result: RepositoryRef[] = []
  for (const item of items) {
    const parts = item.split('/')
    let ref: RepositoryRef | undefined
    if (parts.length === 1 && REPO.test(item) && item !== '.' && item !== '..') {
      if (workflowRepo) ref = { owner: workflowRepo.owner, repo: item }
      else {
        problems.push(`repositories: '${item}' has no owner and GITHUB_REPOSITORY is not set: write it as owner/repo`)
        continue
      }
    } else if (
      parts.length === 2 &&
      OWNER.test(parts[0]!) &&
      REPO.test(parts[1]!) &&
      !['.', '..'].includes(parts[1]!)
    ) {
      ref = { owner: parts[0]!, repo: parts[1]! }
    }
    if (!ref) {
      problems.push(`repositories: '${item}' is not of the form owner/repo or repo`)
      continue
    }
    const id = `${ref.owner}/${ref.repo}`.toLowerCase()
    if (!seen.has(id)) {
      seen.add(id)
      result.push(ref)
    }
  }
  return result
}
