import type { TargetRef } from './targets.js'
import { CAPGO_KEYS_PAGE } from './previous-keys.js'

// Where a person goes from the job summary: the settings page that lists each secret, and Capgo's
// API keys page. Built only from addresses we can vouch for; when in doubt, no link.

export function capgoKeysPage(capgoApiUrl: string): string | undefined {
  try {
    return new URL(capgoApiUrl).origin === 'https://api.capgo.app' ? CAPGO_KEYS_PAGE : undefined
  } catch {
    return undefined
  }
}

/**
 * The web address of the GitHub that github-api-url talks to, from the runner's GITHUB_SERVER_URL
 * (on GHES `https://HOST`), and only when the two agree: a run from github.com that writes to a
 * GHES (github-api-url set by hand) gets no links rather than links to the wrong server.
 */
export function githubWebUrl(githubApiUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  const api = parse(githubApiUrl)
  const server = parse(
    env.GITHUB_SERVER_URL?.trim() || (api?.origin === 'https://api.github.com' ? 'https://github.com' : ''),
  )
  if (!api || !server || server.pathname.replace(/\/$/, '') !== '') return undefined
  const agrees =
    api.origin === server.origin || // GHES: https://HOST/api/v3 and https://HOST
    api.host === `api.${server.host}` // github.com and GHE.com: https://api.HOST and https://HOST
  return agrees ? server.origin : undefined
}

function parse(url: string): URL | undefined {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined
  } catch {
    return undefined
  }
}

const segment = encodeURIComponent

/** The settings page listing the target's secret (environments have no page by name: their list). */
export function secretsPage(web: string | undefined, ref: TargetRef): string | undefined {
  if (!web) return undefined
  switch (ref.kind) {
    case 'repository':
      return `${web}/${segment(ref.owner)}/${segment(ref.repo)}/settings/secrets/${ref.type}`
    case 'environment':
      return `${web}/${segment(ref.owner)}/${segment(ref.repo)}/settings/environments`
    case 'organization':
      return `${web}/organizations/${segment(ref.owner)}/settings/secrets/${ref.type}`
  }
}

export function variablesPage(web: string | undefined, owner: string, repo: string): string | undefined {
  return web ? `${web}/${segment(owner)}/${segment(repo)}/settings/variables/actions` : undefined
}
