import type { OrgVisibility, SecretType, Settings } from './settings.js'

// Which secrets a run writes, and how each is named, routed and permitted (docs/github-secrets.md).
// Pure: no request is sent from here; github-secret-store.ts writes them.

export type TargetKind = 'repository' | 'environment' | 'organization'

export type TargetRef =
  | {
      readonly kind: 'repository'
      readonly type: SecretType
      readonly owner: string
      readonly repo: string
      readonly secret: string
    }
  | {
      readonly kind: 'environment'
      readonly type: 'actions'
      readonly owner: string
      readonly repo: string
      readonly environment: string
      readonly secret: string
    }
  | {
      readonly kind: 'organization'
      readonly type: SecretType
      readonly owner: string
      readonly secret: string
      /** What the user asked for; undefined keeps the existing visibility. */
      readonly visibility: OrgVisibility | undefined
      readonly selectedRepositories: readonly string[]
    }

/** A secret of the workflow's repository or of one of its environments (managing-key-secret). */
export type RepositoryTargetRef = Extract<TargetRef, { kind: 'repository' | 'environment' }>

/** The settings that choose the targets. */
export type TargetSettings = Pick<
  Settings,
  | 'secretName'
  | 'repositories'
  | 'environment'
  | 'organization'
  | 'orgVisibility'
  | 'orgSelectedRepositories'
  | 'secretTypes'
>

/** Every target the settings ask for, repositories (or their environment) first, then the org. */
export function targetsOf(settings: TargetSettings): TargetRef[] {
  const secret = settings.secretName
  const targets: TargetRef[] = []
  for (const { owner, repo } of settings.repositories) {
    if (settings.environment !== undefined) {
      targets.push({ kind: 'environment', type: 'actions', owner, repo, environment: settings.environment, secret })
    } else {
      for (const type of settings.secretTypes) targets.push({ kind: 'repository', type, owner, repo, secret })
    }
  }
  if (settings.organization !== undefined) {
    for (const type of settings.secretTypes) {
      targets.push({
        kind: 'organization',
        type,
        owner: settings.organization,
        secret,
        visibility: settings.orgVisibility,
        selectedRepositories: settings.orgSelectedRepositories,
      })
    }
  }
  return targets
}

/**
 * Where managing-key-secret is stored: an Actions secret of the workflow's repository, or of
 * managing-key-environment there. Undefined without managing-key-secret or GITHUB_REPOSITORY.
 */
export function managingKeyTarget(
  settings: Pick<Settings, 'workflowRepository' | 'managingKeySecret' | 'managingKeyEnvironment'>,
): RepositoryTargetRef | undefined {
  const home = settings.workflowRepository
  const secret = settings.managingKeySecret
  if (!home || !secret) return undefined
  const { owner, repo } = home
  const environment = settings.managingKeyEnvironment
  return environment === undefined
    ? { kind: 'repository', type: 'actions', owner, repo, secret }
    : { kind: 'environment', type: 'actions', owner, repo, environment, secret }
}

export function describeTarget(ref: TargetRef): string {
  switch (ref.kind) {
    case 'repository':
      return `${ref.owner}/${ref.repo} (repository ${ref.type} secret ${ref.secret})`
    case 'environment':
      return `${ref.owner}/${ref.repo} environment '${ref.environment}' (environment secret ${ref.secret})`
    case 'organization':
      return `organization ${ref.owner} (organization ${ref.type} secret ${ref.secret})`
  }
}

/** Where the target lives, for the summary's first column. */
export function targetLocation(ref: TargetRef): string {
  switch (ref.kind) {
    case 'repository':
      return `${ref.owner}/${ref.repo}`
    case 'environment':
      return `${ref.owner}/${ref.repo} → ${ref.environment}`
    case 'organization':
      return ref.owner
  }
}

/** The secrets collection of a target as an Octokit route prefix and its parameters. */
export function collection(ref: TargetRef): { route: string; params: Record<string, string> } {
  switch (ref.kind) {
    case 'repository':
      return { route: `/repos/{owner}/{repo}/${ref.type}/secrets`, params: { owner: ref.owner, repo: ref.repo } }
    case 'environment':
      // Octokit URL-encodes {environment_name}, so names with spaces or slashes are safe.
      return {
        route: '/repos/{owner}/{repo}/environments/{environment_name}/secrets',
        params: { owner: ref.owner, repo: ref.repo, environment_name: ref.environment },
      }
    case 'organization':
      return { route: `/orgs/{org}/${ref.type}/secrets`, params: { org: ref.owner } }
  }
}

/** The permission a fine-grained token or GitHub App needs, and the classic PAT scope. */
export function permissionFor(ref: TargetRef): string {
  switch (ref.kind) {
    case 'repository':
      return ref.type === 'actions'
        ? 'the repository permission "Secrets: Read and write" (classic PAT: repo)'
        : 'the repository permission "Dependabot secrets: Read and write" (classic PAT: repo)'
    case 'environment':
      return 'the repository permissions "Environments: Read and write" and "Secrets: Read and write" (classic PAT: repo)'
    case 'organization':
      return ref.type === 'actions'
        ? 'the organization permission "Secrets: Read and write" (classic PAT: admin:org)'
        : 'the organization permission "Dependabot secrets: Read and write" (classic PAT: admin:org)'
  }
}

/** What a 404 on the target's collection means, for explainGitHubError. */
export function notFoundSubject(ref: TargetRef): string {
  switch (ref.kind) {
    case 'repository':
      return `repository ${ref.owner}/${ref.repo}`
    case 'environment':
      return `environment '${ref.environment}' of ${ref.owner}/${ref.repo} (create it under Settings → Environments) or the repository`
    case 'organization':
      return `organization ${ref.owner}`
  }
}
