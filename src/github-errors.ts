// Turns an Octokit failure into a sentence a CI maintainer can act on. Only GitHub's own message
// and permission header are quoted; request headers (the token) and bodies never are.

interface OctokitFailure {
  status: number
  message: string
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

function isOctokitFailure(error: unknown): error is OctokitFailure {
  return error instanceof Error && typeof (error as Partial<OctokitFailure>).status === 'number'
}

export interface GitHubErrorContext {
  /** What was being done, e.g. "writing secret CAPGO_TOKEN to octo/app". */
  readonly doing: string
  /** What a 404 means here, e.g. "repository octo/app". */
  readonly subject: string
  /** The permission the token needs, when GitHub does not say. */
  readonly permission: string
}

export function explainGitHubError(context: GitHubErrorContext, error: unknown): string {
  if (!isOctokitFailure(error)) {
    return `${context.doing}: ${error instanceof Error ? error.message : String(error)}`
  }
  const data = error.response?.data
  const githubMessage =
    typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : error.message
  const head = `${context.doing}: ${error.status} ${githubMessage}`
  switch (error.status) {
    case 401:
      return `${head}. github-token is invalid, expired or revoked: create a new token and update the secret that holds it.`
    case 403: {
      if (/Resource not accessible by integration/i.test(githubMessage)) {
        return (
          `${head}. The token is an installation token without the right permission: the workflow's own GITHUB_TOKEN ` +
          `cannot write secrets at all, so pass a fine-grained personal access token, or a GitHub App token ` +
          `whose app has ${context.permission}.`
        )
      }
      const accepted = error.response?.headers?.['x-accepted-github-permissions']
      const needs = accepted ? `GitHub accepts these permissions: ${accepted}` : `it needs ${context.permission}`
      return `${head}. The token lacks a permission: ${needs}.`
    }
    case 404:
      return (
        `${head}. The ${context.subject} does not exist, or the token cannot see it: a fine-grained token must list ` +
        `the repository under "Repository access", and a GitHub App must be installed on it.`
      )
    case 422:
      return `${head}. GitHub rejected the request as invalid.`
    default:
      return error.status >= 500 ? `${head}. GitHub kept failing after retries; run again later.` : head
  }
}
