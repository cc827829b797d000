import { randomBytes } from 'node:crypto'
import type { GitHubClient } from './github-client.js'
import { explainGitHubError, isNotFound, type GitHubErrorContext } from './github-errors.js'
import { GitHubClock, localNow } from './github-clock.js'
import { judgeWrite, type WriteCheck } from './write-verification.js'
import { seal } from './sealing.js'
import { RESERVED_PREFIX, type OrgVisibility, type SecretType, type Settings } from './settings.js'

// The places a secret is written to (docs/github-secrets.md). A target is first prepared (its
// own public key fetched, which also proves the token can reach it; for an organization, the
// visibility to send back) and the prepared target is the only thing that can write: it seals
// with the key it fetched itself, so no code path can seal for one target with another's key.

export type TargetKind = 'repository' | 'environment' | 'organization'
export type WriteResult = 'created' | 'updated'

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

export interface OrgAccess {
  readonly visibility: OrgVisibility
  readonly selectedRepositoryIds: readonly number[]
  /** True when the secret does not exist yet. */
  readonly isNew: boolean
}

export interface PreparedTarget {
  readonly ref: TargetRef
  /** For organization targets: the visibility the write will send. */
  readonly orgAccess: OrgAccess | undefined
  /**
   * The secret as it is now: its last update, or null when it does not exist yet. Undefined when
   * it was not read (only rotate-after-days, a dry run and organization targets need it).
   */
  readonly existing: { readonly updatedAt: string | undefined } | null | undefined
  /** Throws a WriteError, which says whether the secret may have been written all the same. */
  write(value: string): Promise<WriteResult>
  /**
   * After a write whose outcome is unknown: reads the secret's metadata (never its value) to tell
   * whether it changed after the write began (`startedAt`, WriteError's local time).
   */
  verifyWrite(startedAt: number): Promise<WriteCheck>
  /**
   * Proves the token may write here without touching the real secret: writes a throwaway secret
   * (writeCheckSecretName(), a random value). Returns its removal, for the caller to overlap with
   * the next round trip.
   */
  checkWriteAccess(): Promise<() => Promise<void>>
}

/**
 * The throwaway secret of checkWriteAccess: the reserved prefix (settings refuse it as secret-name)
 * and 128 random bits, so it can be no target's secret nor any secret a user already has.
 */
export const WRITE_CHECK_PREFIX = `${RESERVED_PREFIX}WRITE_CHECK_`

export function writeCheckSecretName(): string {
  return `${WRITE_CHECK_PREFIX}${randomBytes(16).toString('hex').toUpperCase()}`
}

export interface PrepareOptions {
  /** Also read the secret's metadata (created or updated, and when). */
  readonly readExisting: boolean
}

/**
 * A failed write. `outcomeUnknown`: the request may have been carried out (a timeout, a reset, a
 * 5xx: GitHub may have stored the secret and lost the answer); otherwise GitHub refused it (4xx)
 * or it was never sent.
 */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
    /** Local time (github-clock.ts) just before the request left. */
    readonly startedAt: number,
  ) {
    super(message)
    this.name = 'WriteError'
  }
}

function outcomeUnknown(error: unknown): boolean {
  const status = (error as { status?: unknown }).status
  return !(typeof status === 'number' && status >= 400 && status < 500)
}

/** What the rotation needs from GitHub; GitHubSecretStore is the HTTP implementation. */
export interface SecretStore {
  prepare(ref: TargetRef, options: PrepareOptions): Promise<PreparedTarget>
}

interface SecretMetadata {
  readonly createdAt: string | undefined
  readonly updatedAt: string | undefined
  readonly visibility: OrgVisibility | undefined
}

/** Every target the settings ask for, repositories (or their environment) first, then the org. */
export function targetsOf(settings: Settings): TargetRef[] {
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

export class GitHubSecretStore implements SecretStore {
  /** One per run: every target's write check uses it. */
  readonly writeCheckSecret = writeCheckSecretName()
  /** Fed by every answer's Date header, to compare GitHub's timestamps with the runner's times. */
  readonly clock = new GitHubClock()

  constructor(private readonly octokit: GitHubClient) {}

  async prepare(ref: TargetRef, options: PrepareOptions): Promise<PreparedTarget> {
    const { route, params } = collection(ref)
    const context: GitHubErrorContext = {
      doing: `reading the public key of ${describeTarget(ref)}`,
      subject: notFoundSubject(ref),
      permission: permissionFor(ref),
    }
    const reading = { ...context, doing: `reading the secret ${describeTarget(ref)}` }
    // All reads of a target at once: the public key, and the secret's metadata when needed.
    const metadataRead =
      ref.kind === 'organization' || options.readExisting
        ? this.readMetadata(route, params, ref.secret, reading)
        : Promise.resolve(undefined)
    const [publicKey, metadata] = await Promise.all([
      this.call(context, () => this.timed(() => this.octokit.request(`GET ${route}/public-key`, params))).then(
        (response) => response.data as unknown,
      ),
      metadataRead,
    ])
    const orgAccess =
      ref.kind === 'organization' ? await this.orgAccess(ref, route, params, metadata ?? null, context) : undefined
    const existing = metadata === undefined ? undefined : metadata && { updatedAt: metadata.updatedAt }
    if (!isPublicKey(publicKey)) throw new Error(`${context.doing}: GitHub's answer has no key and key_id`)
    const { key, key_id } = publicKey
    const writeContext = { ...context, doing: `writing ${describeTarget(ref)}` }
    return {
      ref,
      orgAccess,
      existing,
      write: async (value) => {
        let encrypted_value: string
        try {
          encrypted_value = await seal(value, key)
        } catch (error) {
          throw new WriteError(explainGitHubError(writeContext, error), false, localNow())
        }
        const access = orgAccess
          ? {
              visibility: orgAccess.visibility,
              ...(orgAccess.visibility === 'selected'
                ? { selected_repository_ids: orgAccess.selectedRepositoryIds }
                : {}),
            }
          : {}
        const startedAt = localNow()
        try {
          const response = await this.timed(() =>
            this.octokit.request(`PUT ${route}/{secret_name}`, {
              ...params,
              secret_name: ref.secret,
              encrypted_value,
              key_id,
              ...access,
            }),
          )
          return response.status === 201 ? 'created' : 'updated'
        } catch (error) {
          throw new WriteError(explainGitHubError(writeContext, error), outcomeUnknown(error), startedAt)
        }
      },
      verifyWrite: async (startedAt) => {
        const metadata = await this.readMetadata(route, params, ref.secret, {
          ...context,
          doing: `verifying the write of ${describeTarget(ref)}`,
        })
        return judgeWrite(metadata, this.clock.at(startedAt), existing)
      },
      checkWriteAccess: async () => {
        const name = this.writeCheckSecret
        const checking = {
          ...context,
          doing: `checking write access to ${describeTarget(ref)} (with a throwaway secret ${name})`,
        }
        const encrypted_value = await seal(randomBytes(16).toString('hex'), key)
        const probe = { ...params, secret_name: name }
        await this.call(checking, () =>
          this.octokit.request(`PUT ${route}/{secret_name}`, {
            ...probe,
            encrypted_value,
            key_id,
            ...(ref.kind === 'organization' ? { visibility: 'private' } : {}),
          }),
        )
        return async () => {
          await this.call(
            { ...checking, doing: `removing the throwaway secret ${name} of ${describeTarget(ref)}` },
            () => this.octokit.request(`DELETE ${route}/{secret_name}`, probe),
          )
        }
      },
    }
  }

  /**
   * GitHub resets an org secret's visibility on every write unless it is sent back, so keep what
   * is there now (read by readMetadata); names in org-selected-repositories become ids.
   */
  private async orgAccess(
    ref: Extract<TargetRef, { kind: 'organization' }>,
    route: string,
    params: Record<string, string>,
    existing: SecretMetadata | null,
    context: GitHubErrorContext,
  ): Promise<OrgAccess> {
    const isNew = existing === null
    if (ref.visibility === 'selected') {
      const ids = await Promise.all(ref.selectedRepositories.map((name) => this.repositoryId(ref, name)))
      return { visibility: 'selected', selectedRepositoryIds: ids, isNew }
    }
    if (ref.visibility !== undefined) return { visibility: ref.visibility, selectedRepositoryIds: [], isNew }
    const visibility = existing?.visibility ?? 'private'
    if (visibility !== 'selected') return { visibility, selectedRepositoryIds: [], isNew }
    const reading = { ...context, doing: `reading the selected repositories of ${describeTarget(ref)}` }
    const repositories = await this.call(reading, () =>
      this.octokit.paginate(`GET ${route}/{secret_name}/repositories`, {
        ...params,
        secret_name: ref.secret,
        per_page: 100,
      }),
    )
    // Sending back a wrong list would silently change who can read the secret: accept only ids.
    const ids = (repositories as unknown[]).map((r) =>
      typeof r === 'object' && r !== null ? (r as { id?: unknown }).id : undefined,
    )
    if (!ids.every((id): id is number => typeof id === 'number')) {
      throw new Error(
        `${reading.doing}: GitHub's answer is not a list of repositories; not writing, to keep the visibility intact`,
      )
    }
    return { visibility: 'selected', selectedRepositoryIds: ids, isNew }
  }

  /** The secret's metadata (never its value), or null when it does not exist yet. */
  private async readMetadata(
    route: string,
    params: Record<string, string>,
    secret: string,
    context: GitHubErrorContext,
  ): Promise<SecretMetadata | null> {
    try {
      const response = await this.timed(() =>
        this.octokit.request(`GET ${route}/{secret_name}`, { ...params, secret_name: secret }),
      )
      const data = response.data as { name?: unknown; created_at?: unknown; updated_at?: unknown; visibility?: unknown }
      const visibility =
        data.visibility === 'all' || data.visibility === 'private' || data.visibility === 'selected'
          ? data.visibility
          : undefined
      // A garbled answer must not pass for "private": that would change who can read an org secret.
      if (
        typeof data !== 'object' ||
        data === null ||
        typeof data.name !== 'string' ||
        (route.startsWith('/orgs/') && !visibility)
      ) {
        throw new Error(
          `${context.doing}: GitHub's answer is not the secret's metadata; not writing, to keep its settings intact`,
        )
      }
      return {
        createdAt: typeof data.created_at === 'string' ? data.created_at : undefined,
        updatedAt: typeof data.updated_at === 'string' ? data.updated_at : undefined,
        visibility,
      }
    } catch (error) {
      if (error instanceof Error && !('status' in error)) throw error
      // The collection itself is proven by the public-key read; a 404 here is a secret not yet written.
      if (isNotFound(error)) return null
      throw new Error(explainGitHubError(context, error))
    }
  }

  private async repositoryId(ref: Extract<TargetRef, { kind: 'organization' }>, name: string): Promise<number> {
    const context: GitHubErrorContext = {
      doing: `looking up repository ${ref.owner}/${name} for org-selected-repositories`,
      subject: `repository ${ref.owner}/${name}`,
      permission: 'the repository permission "Metadata: Read" on it',
    }
    const response = await this.call(context, () =>
      this.octokit.request('GET /repos/{owner}/{repo}', { owner: ref.owner, repo: name }),
    )
    return (response.data as { id: number }).id
  }

  /** Runs a request, feeding the clock with the Date header of its answer (a failure's too). */
  private async timed<T extends { headers: Record<string, unknown> }>(request: () => Promise<T>): Promise<T> {
    const sentAt = localNow()
    try {
      const response = await request()
      this.clock.observe(response.headers.date, sentAt, localNow())
      return response
    } catch (error) {
      this.clock.observe(
        (error as { response?: { headers?: Record<string, unknown> } }).response?.headers?.date,
        sentAt,
        localNow(),
      )
      throw error
    }
  }

  private async call<T>(context: GitHubErrorContext, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw new Error(explainGitHubError(context, error))
    }
  }
}

function isPublicKey(value: unknown): value is { key: string; key_id: string } {
  if (typeof value !== 'object' || value === null) return false
  const { key, key_id } = value as { key?: unknown; key_id?: unknown }
  return typeof key === 'string' && (typeof key_id === 'string' || typeof key_id === 'number')
}
