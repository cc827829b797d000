import { checkEnvironmentName, checkGitHubName, type Input, type Reading, type RepositoryRef } from './parse.js'
import type { Targets } from './targets.js'

// The opt-in renewal of capgo-api-key itself (src/managing-key.ts does it): which secret of the
// workflow's repository holds it.

export interface ManagingKey {
  /** Opt-in: renew capgo-api-key after the rotation and store it in this secret of the workflow's repository. */
  readonly managingKeySecret: string | undefined
  /** With managingKeySecret: an environment secret of this environment instead of a repository secret. */
  readonly managingKeyEnvironment: string | undefined
}

export function readManagingKey(input: Input, workflowRepo: RepositoryRef | undefined): Reading<ManagingKey> {
  const problems: string[] = []
  const managingKeySecret = input('managing-key-secret') || undefined
  const managingKeyEnvironment = input('managing-key-environment') || undefined
  const value = { managingKeySecret, managingKeyEnvironment }
  if (managingKeySecret === undefined) {
    if (managingKeyEnvironment !== undefined)
      problems.push(`managing-key-environment: '${managingKeyEnvironment}' is set but managing-key-secret is not`)
    return { value, problems }
  }
  checkGitHubName(
    'managing-key-secret',
    managingKeySecret,
    'secret',
    'a prefix GitHub reserves for its own secrets',
    problems,
  )
  if (managingKeyEnvironment !== undefined)
    checkEnvironmentName('managing-key-environment', managingKeyEnvironment, problems)
  if (!workflowRepo) problems.push('managing-key-secret: needs GITHUB_REPOSITORY, the repository that holds the secret')
  return { value, problems }
}

/**
 * managing-key-secret must be a secret name of its own: sharing a name with secret-name where a
 * workflow of this repository reads both (the same collection, or one shadowing the other: an
 * environment secret over a repository secret over an organization secret) would hand one key
 * where the other is expected. Empty without a managing key or a workflow repository.
 */
export function sharedSecretProblems(
  managing: ManagingKey,
  targets: Targets,
  home: RepositoryRef | undefined,
): string[] {
  const secret = managing.managingKeySecret
  if (secret === undefined || !home) return []
  if (secret.toUpperCase() !== targets.secretName.toUpperCase() || !targets.secretTypes.includes('actions')) return []
  const sameRepo = (r: RepositoryRef) =>
    r.owner.toLowerCase() === home.owner.toLowerCase() && r.repo.toLowerCase() === home.repo.toLowerCase()
  const inHome = targets.repositories.some(sameRepo)
  const inHomeOrg =
    targets.organization !== undefined && targets.organization.toLowerCase() === home.owner.toLowerCase()
  if (!inHome && !inHomeOrg) return []
  const same = inHome && (targets.environment ?? '') === (managing.managingKeyEnvironment ?? '')
  return [
    `managing-key-secret: '${secret}' is ${same ? 'the very secret' : 'the same name as the secret'} that secret-name writes ` +
      `${inHome ? `in ${home.owner}/${home.repo}` : `in organization ${targets.organization}`}` +
      (same ? '' : ", and one would shadow the other in this repository's workflows") +
      ': give the managing key a secret of its own (e.g. CAPGO_ADMIN_KEY)',
  ]
}
