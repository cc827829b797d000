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
  for (const name of PROXY_VARIABLES) maskProxyCredentials(env[name])
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

/** Where the runner's proxy is set (@actions/http-client reads these), for both services. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const

/**
 * A proxy URL may carry credentials (http://user:password@proxy:8080). Nothing of ours prints it,
 * but a library's error could quote it: its password (or a token given as the user) is masked like
 * the two inputs, as written and percent-decoded.
 */
function maskProxyCredentials(value: string | undefined): void {
  if (!value?.trim()) return
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    return
  }
  const secret = url.password || url.username
  if (secret === '') return
  registerSecret(secret)
  try {
    registerSecret(decodeURIComponent(secret))
  } catch {
    // Not valid percent-encoding: the form as written is masked already.
  }
}
