import { randomBytes } from 'node:crypto'
import type { GitHubClient } from './github-client.js'
import { GitHubClock, localNow } from './github-clock.js'
import {
  dateOf,
  explainGitHubError,
  isNotFound,
  isOctokitFailure,
  statusOf,
  type GitHubErrorContext,
} from './github-errors.js'
import { seal } from './sealing.js'
import { RESERVED_PREFIX, type OrgVisibility } from './settings.js'
import { collection, describeTarget, notFoundSubject, permissionFor, type TargetRef } from './targets.js'
import { judgeWrite, type WriteCheck } from './write-verification.js'

// Where a secret is written: the GitHub secret store, for the rotation's targets and for
// managing-key-secret alike. A target is first prepared (its own public key fetched, which also
// proves the token can reach it; for an organization, the visibility to send back) and the
// prepared target is the only thing that can write: it seals (sealing.ts) with the key it fetched
// itself, so no code path can seal for one target with another's key.

export type WriteResult = 'created' | 'updated'

/** The secret as a read found it: its last update, or null when it does not exist yet. */
export type ExistingSecret = { readonly updatedAt: string | undefined } | null

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
   * The secret as preflight read it. Undefined when it was not read (only rotate-after-days, a dry
   * run, organization targets and managing-key-secret need it).
   */
  readonly existing: ExistingSecret | undefined
  /** Throws a WriteError, which says whether the secret may have been written all the same. */
  write(value: string): Promise<WriteResult>
  /** Reads the secret's metadata again (never its value): a fresher `existing` for verifyWrite. */
  reread(): Promise<ExistingSecret>
  /**
   * After a write whose outcome is unknown: reads the secret's metadata (never its value) to tell
   * whether it changed after the write began (`startedAt`, WriteError's local time), judged
   * against `before` (by default `existing`).
   */
  verifyWrite(startedAt: number, before?: ExistingSecret): Promise<WriteCheck>
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

/** Anything but GitHub's refusal (4xx) may have been applied: Octokit reports no answer as 500. */
function outcomeUnknown(error: unknown): boolean {
  const status = statusOf(error)
  return !(status !== undefined && status >= 400 && status < 500)
}

/** What the rotation and the renewal need from GitHub; GitHubSecretStore is the HTTP implementation. */
export interface SecretStore {
  prepare(ref: TargetRef, options: PrepareOptions): Promise<PreparedTarget>
}

interface SecretMetadata {
  readonly createdAt: string | undefined
  readonly updatedAt: string | undefined
  readonly visibility: OrgVisibility | undefined
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
    const existing = metadata === undefined ? undefined : existingOf(metadata)
    if (!isPublicKey(publicKey)) throw new Error(`${context.doing}: GitHub's answer has no key and key_id.`)
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
      reread: async () => existingOf(await this.readMetadata(route, params, ref.secret, reading)),
      verifyWrite: async (startedAt, before = existing) => {
        const metadata = await this.readMetadata(route, params, ref.secret, {
          ...context,
          doing: `verifying the write of ${describeTarget(ref)}`,
        })
        return judgeWrite(metadata, this.clock.at(startedAt), before)
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
      if (error instanceof Error && !isOctokitFailure(error)) throw error
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
      this.clock.observe(dateOf(error), sentAt, localNow())
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

function existingOf(metadata: SecretMetadata | null): ExistingSecret {
  return metadata && { updatedAt: metadata.updatedAt }
}

function isPublicKey(value: unknown): value is { key: string; key_id: string } {
  if (typeof value !== 'object' || value === null) return false
  const { key, key_id } = value as { key?: unknown; key_id?: unknown }
  return typeof key === 'string' && (typeof key_id === 'string' || typeof key_id === 'number')
}
