import {
  checkEnvironmentName,
  checkGitHubName,
  type Input,
  oneOf,
  parseList,
  type Reading,
  type RepositoryRef,
  RESERVED_PREFIX,
} from './parse.js'

// Where the key goes: the secret's name, the repositories (and their environment), the
// organization secret, and which kinds of secret.

export const SECRET_TYPES = ['actions', 'dependabot'] as const
export const ORG_VISIBILITIES = ['all', 'private', 'selected'] as const
export type SecretType = (typeof SECRET_TYPES)[number]
export type OrgVisibility = (typeof ORG_VISIBILITIES)[number]

export interface Targets {
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
}

// GitHub's rules: owners are alphanumerics and single hyphens (39 max), repositories [A-Za-z0-9._-] (100 max).
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/

export function readTargets(input: Input, workflowRepo: RepositoryRef | undefined): Reading<Targets> {
  const problems: string[] = []

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

  const organization = input('organization') || undefined
  if (organization !== undefined && !OWNER.test(organization)) {
    problems.push(`organization: '${organization}' is not an organization login (letters, digits and single hyphens)`)
  }
  // Without an organization the workflow's repository is the default target; with one, only the org.
  const repositories = parseRepositories(input('repositories'), workflowRepo, organization === undefined, problems)

  const environment = input('environment') || undefined
  if (environment !== undefined) checkEnvironmentName('environment', environment, problems)
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

  return {
    value: {
      secretName,
      repositories,
      environment,
      organization,
      orgVisibility,
      orgSelectedRepositories,
      secretTypes,
    },
    problems,
  }
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
