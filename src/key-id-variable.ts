import type { GitHubClient } from './github-client.js'
import { explainGitHubError, isNotFound, statusOf, type GitHubErrorContext } from './github-errors.js'
import type { RepositoryRef } from './settings.js'

// key-id-variable: a repository Actions variable in the workflow's repository that remembers the
// id of the key the secrets hold, so that a scheduled run knows what it replaces. It holds the id,
// never the key: variables are plaintext.

export type VariableWrite = 'created' | 'updated' | 'unchanged'

export interface KeyIdVariable {
  readonly name: string
  /** The value now, or undefined when the variable does not exist (a first run). */
  read(): Promise<string | undefined>
  /** Creates or updates it; `existed` is what read() found, to pick POST or PATCH first. */
  write(value: string, existed: boolean): Promise<Exclude<VariableWrite, 'unchanged'>>
}

const PERMISSION = 'the repository permission "Variables: Read and write" (classic PAT: repo)'

export class GitHubKeyIdVariable implements KeyIdVariable {
  constructor(
    private readonly octokit: GitHubClient,
    private readonly repository: RepositoryRef,
    readonly name: string,
  ) {}

  private context(doing: string): GitHubErrorContext {
    const { owner, repo } = this.repository
    return {
      doing: `${doing} variable ${this.name} of ${owner}/${repo}`,
      subject: `repository ${owner}/${repo}`,
      permission: PERMISSION,
    }
  }

  async read(): Promise<string | undefined> {
    try {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables/{name}', {
        ...this.repository,
        name: this.name,
      })
      return String((response.data as { value?: unknown }).value ?? '')
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw new Error(explainGitHubError(this.context('reading'), error))
    }
  }

  async write(value: string, existed: boolean): Promise<'created' | 'updated'> {
    const { owner, repo } = this.repository
    const update = () =>
      this.octokit.request('PATCH /repos/{owner}/{repo}/actions/variables/{name}', {
        owner,
        repo,
        name: this.name,
        value,
      })
    // POST is not idempotent: a 409 means "exists", so it must not be retried but PATCHed. 201 is
    // GitHub's answer to a variable it created; any other "success" (a garbled answer, which may
    // hide a 409) proves nothing, so the value is then set with PATCH, which is idempotent.
    const create = async () => {
      const answer = await this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
        owner,
        repo,
        name: this.name,
        value,
        request: { retries: 0 },
      })
      if (answer.status !== 201) await update()
    }
    try {
      if (existed) {
        try {
          await update()
          return 'updated'
        } catch (error) {
          if (!isNotFound(error)) throw error
          await create()
          return 'created'
        }
      }
      try {
        await create()
        return 'created'
      } catch (error) {
        if (statusOf(error) !== 409) throw error
        await update()
        return 'updated'
      }
    } catch (error) {
      throw new Error(explainGitHubError(this.context('writing'), error))
    }
  }
}
