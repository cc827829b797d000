import { registerSecret } from '../secrets.js'
import { type Input, parseBaseUrl, type Reading } from './parse.js'

// The two credentials and the two services they are for.

export interface Credentials {
  readonly capgoApiKey: string
  readonly capgoApiUrl: string
  readonly githubToken: string
  readonly githubApiUrl: string
}

const NO_SECRETS_HINT =
  'Secrets are not passed to workflows triggered from forks, and Dependabot runs only get Dependabot secrets; ' +
  'check that the secret exists and that the workflow passes it as `${{ secrets.NAME }}`.'

export function readCredentials(input: Input, env: NodeJS.ProcessEnv): Reading<Credentials> {
  const problems: string[] = []
  // Masked before anything else can print them.
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
  return { value: { capgoApiKey, capgoApiUrl, githubToken, githubApiUrl }, problems }
}
