import type { GitHubClient } from './github-client.js'
import { explainGitHubError } from './github-errors.js'
import { seal } from './sealing.js'

// The places a secret is written to. A target is first prepared (its own public key fetched,
// which also proves the token can reach it) and the prepared target is the only thing that can
// write: it seals with the key it fetched, so no code path can seal for one target with another's.

export type TargetKind = 'repository'
export type SecretType = 'actions'
export type WriteResult = 'created' | 'updated'

export interface TargetRef {
  readonly kind: TargetKind
  readonly type: SecretType
  readonly owner: string
  readonly repo: string
  readonly secret: string
}

export interface PreparedTarget {
  readonly ref: TargetRef
  write(value: string): Promise<WriteResult>
}

/** What the rotation needs from GitHub; GitHubSecretStore is the HTTP implementation. */
export interface SecretStore {
  prepare(ref: TargetRef): Promise<PreparedTarget>
}

export function describeTarget(ref: TargetRef): string {
  return `${ref.owner}/${ref.repo} (repository ${ref.type} secret ${ref.secret})`
}

export class TargetError extends Error {
  constructor(
    readonly ref: TargetRef,
    message: string,
  ) {
    super(message)
    this.name = 'TargetError'
  }
}

const PERMISSION = 'repository permission "Secrets: read and write" (classic PAT: repo scope)'

export class GitHubSecretStore implements SecretStore {
  constructor(private readonly octokit: GitHubClient) {}

  async prepare(ref: TargetRef): Promise<PreparedTarget> {
    const context = {
      doing: `reading the public key of ${describeTarget(ref)}`,
      subject: `repository ${ref.owner}/${ref.repo}`,
      permission: PERMISSION,
    }
    let publicKey: { key_id: string; key: string }
    try {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', {
        owner: ref.owner,
        repo: ref.repo,
      })
      publicKey = response.data
    } catch (error) {
      throw new TargetError(ref, explainGitHubError(context, error))
    }
    if (typeof publicKey?.key !== 'string' || typeof publicKey.key_id !== 'string') {
      throw new TargetError(ref, `${context.doing}: GitHub's answer has no key and key_id`)
    }
    const { key, key_id } = publicKey
    return {
      ref,
      write: async (value) => {
        const encrypted = await seal(value, key)
        try {
          const response = await this.octokit.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
            owner: ref.owner,
            repo: ref.repo,
            secret_name: ref.secret,
            encrypted_value: encrypted,
            key_id,
          })
          return response.status === 201 ? 'created' : 'updated'
        } catch (error) {
          throw new TargetError(ref, explainGitHubError({ ...context, doing: `writing ${describeTarget(ref)}` }, error))
        }
      },
    }
  }
}
