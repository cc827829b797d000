import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY } from '../src/retry.js'
import { forgetSecrets, redact } from '../src/secrets.js'
import { parseList, readSettings, readTuning, SettingsError } from '../src/settings.js'

const base: Record<string, string> = { 'capgo-api-key': 'capgo-secret', 'github-token': 'gh-secret' }
const env = { GITHUB_REPOSITORY: 'octo/app' }

function settings(inputs: Record<string, string> = {}, environment: NodeJS.ProcessEnv = env) {
  const all = { ...base, ...inputs }
  return readSettings((name) => all[name] ?? '', environment)
}

function problems(inputs: Record<string, string>, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    settings(inputs, environment)
  } catch (error) {
    if (error instanceof SettingsError) return [...error.problems]
    throw error
  }
  throw new Error('expected a SettingsError')
}

describe('readSettings', () => {
  it('applies the contract defaults', () => {
    expect(settings()).toEqual({
      capgoApiKey: 'capgo-secret',
      capgoApiUrl: 'https://api.capgo.app',
      strategy: 'auto',
      keyName: 'github-actions:octo/app:CAPGO_TOKEN',
      keyMode: 'upload',
      limitedToApps: [],
      limitedToOrgs: [],
      expiresInDays: undefined,
      previousKeyId: undefined,
      keyIdVariable: undefined,
      keepPrevious: 0,
      rotateAfterDays: undefined,
      workflowRepository: { owner: 'octo', repo: 'app' },
      githubToken: 'gh-secret',
      githubApiUrl: 'https://api.github.com',
      secretName: 'CAPGO_TOKEN',
      repositories: [{ owner: 'octo', repo: 'app' }],
      environment: undefined,
      organization: undefined,
      orgVisibility: undefined,
      orgSelectedRepositories: [],
      secretTypes: ['actions'],
      dryRun: false,
    })
  })

  it('includes the environment in the default key-name', () => {
    expect(settings({ environment: 'production' }).keyName).toBe('github-actions:octo/app:production:CAPGO_TOKEN')
  })

  it('writes only the organization secret by default when organization is set', () => {
    expect(settings({ organization: 'octo-org', 'key-name': 'k' })).toMatchObject({
      repositories: [],
      organization: 'octo-org',
    })
    expect(settings({ organization: 'octo-org', repositories: 'app', 'key-name': 'k' }).repositories).toEqual([
      { owner: 'octo', repo: 'app' },
    ])
  })

  it('parses secret-types and org-selected-repositories', () => {
    expect(
      settings({
        'secret-types': 'dependabot, Actions,actions',
        organization: 'octo-org',
        'key-name': 'k',
        'org-visibility': 'selected',
        'org-selected-repositories': 'app\nocto-org/web, APP',
      }),
    ).toMatchObject({
      secretTypes: ['dependabot', 'actions'],
      orgVisibility: 'selected',
      orgSelectedRepositories: ['app', 'web'],
    })
  })

  it('rejects the target combinations GitHub does not have', () => {
    expect(problems({ environment: 'production', 'secret-types': 'actions,dependabot' })).toEqual([
      "secret-types: 'dependabot' cannot go with environment 'production': GitHub has no Dependabot environment secrets. Use secret-types: actions, or a separate step without environment for the Dependabot secret",
    ])
    expect(problems({ 'secret-types': 'actions,codespaces' })).toEqual([
      "secret-types: 'codespaces' is not one of actions, dependabot",
    ])
    expect(problems({ 'org-visibility': 'all' })).toEqual(["org-visibility: 'all' is set but organization is not"])
    expect(problems({ 'org-selected-repositories': 'app' })).toEqual([
      'org-selected-repositories: set but organization is not',
    ])
    expect(problems({ 'key-name': 'k', organization: 'octo-org', 'org-visibility': 'selected' })[0]).toMatch(
      /^org-visibility: 'selected' needs org-selected-repositories/,
    )
    expect(problems({ 'key-name': 'k', organization: 'octo-org', 'org-selected-repositories': 'app' })).toEqual([
      "org-selected-repositories: only applies with org-visibility: 'selected'",
    ])
    expect(problems({ 'key-name': 'k', organization: 'octo-org', 'org-visibility': 'public' })).toEqual([
      "org-visibility: 'public' is not one of all, private, selected",
    ])
    expect(problems({ organization: 'octo_org!', 'key-name': 'k' })[0]).toBe(
      "organization: 'octo_org!' is not an organization login (letters, digits and single hyphens)",
    )
    expect(
      problems({
        'key-name': 'k',
        organization: 'octo-org',
        'org-visibility': 'selected',
        'org-selected-repositories': 'other-org/app',
      }),
    ).toEqual(["org-selected-repositories: 'other-org/app' is not a repository name of organization octo-org"])
    expect(problems({ 'key-name': 'k', organization: 'octo-org', environment: 'production' })[0]).toMatch(
      /^environment: 'production' is set but no repository is/,
    )
  })

  it('accepts environment names with spaces, slashes and unicode, and refuses what a REST path cannot address', () => {
    for (const name of ['prod eu', 'deploy/prod', 'préprod', '..prod', 'a.b'])
      expect(settings({ environment: name, repositories: 'octo/app' }).environment).toBe(name)
    for (const name of ['.', '..']) {
      for (const input of ['environment', 'managing-key-environment']) {
        const extra: Record<string, string> =
          input === 'environment' ? { repositories: 'octo/app' } : { 'managing-key-secret': 'CAPGO_ADMIN' }
        expect(problems({ [input]: name, ...extra })).toEqual([
          `${input}: '${name}' cannot be addressed through GitHub's REST API (a URL path drops it): name an environment of the repository`,
        ])
      }
    }
    expect(problems({ environment: 'prod\u0000x', repositories: 'octo/app' })).toEqual([
      'environment: the name holds control or invisible characters: name an environment of the repository',
    ])
    expect(problems({ environment: 'x'.repeat(256), repositories: 'octo/app' })[0]).toContain(
      "longer than GitHub's 255",
    )
  })

  it('returns a frozen object', () => {
    expect(Object.isFrozen(settings())).toBe(true)
  })

  it('derives key-name from secret-name', () => {
    expect(settings({ 'secret-name': 'CAPGO_UPLOAD' }).keyName).toBe('github-actions:octo/app:CAPGO_UPLOAD')
  })

  it('takes github-api-url from GITHUB_API_URL when the input is empty', () => {
    expect(settings({}, { ...env, GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }).githubApiUrl).toBe(
      'https://ghe.example.com/api/v3',
    )
  })

  it('accepts loopback http URLs and strips a trailing slash', () => {
    expect(settings({ 'capgo-api-url': 'http://127.0.0.1:8787/' }).capgoApiUrl).toBe('http://127.0.0.1:8787')
    expect(settings({ 'capgo-api-url': 'http://localhost:3000/functions/v1' }).capgoApiUrl).toBe(
      'http://localhost:3000/functions/v1',
    )
    expect(settings({ 'capgo-api-url': 'http://[::1]:9000' }).capgoApiUrl).toBe('http://[::1]:9000')
  })

  it('rejects non-https, non-URL and credential-carrying URLs', () => {
    expect(problems({ 'capgo-api-url': 'http://10.0.0.5' })[0]).toMatch(
      /^capgo-api-url: 'http:\/\/10.0.0.5' must use https:\/\//,
    )
    expect(problems({ 'capgo-api-url': 'ftp://capgo.app' })[0]).toContain('must use https://')
    expect(problems({ 'github-api-url': 'not a url' })[0]).toBe(
      "github-api-url: 'not a url' is not a URL: use the form https://host[/path]",
    )
    const [problem] = problems({ 'capgo-api-url': 'https://user:hunter2@capgo.app' })
    expect(problem).toContain('must not carry credentials')
    expect(problem).not.toContain('hunter2')
  })

  it('parses lists of repositories with the workflow owner for bare names, deduplicated', () => {
    expect(settings({ repositories: 'app\n other/tool ,web,,OCTO/APP', 'key-name': 'k' }).repositories).toEqual([
      { owner: 'octo', repo: 'app' },
      { owner: 'other', repo: 'tool' },
      { owner: 'octo', repo: 'web' },
    ])
  })

  it('rejects malformed repositories', () => {
    expect(problems({ repositories: 'a/b/c, -bad/x, ok/.., fine/repo', 'key-name': 'k' })).toEqual([
      "repositories: 'a/b/c' is not of the form owner/repo or repo",
      "repositories: '-bad/x' is not of the form owner/repo or repo",
      "repositories: 'ok/..' is not of the form owner/repo or repo",
    ])
  })

  it('needs GITHUB_REPOSITORY for defaults and bare names', () => {
    const found = problems({ repositories: 'app' }, {})
    expect(found).toContain("repositories: 'app' has no owner and GITHUB_REPOSITORY is not set: write it as owner/repo")
    expect(found.some((p) => p.startsWith('key-name: empty'))).toBe(true)
  })

  it('accepts case variants of strategy and key-mode, and the YAML booleans', () => {
    expect(settings({ strategy: 'Regenerate', 'key-mode': 'WRITE', 'dry-run': 'True' })).toMatchObject({
      strategy: 'regenerate',
      keyMode: 'write',
      dryRun: true,
    })
  })

  it('parses whole numbers at the edges of their ranges', () => {
    expect(settings({ 'expires-in-days': '1', 'previous-key-id': '12' })).toMatchObject({
      expiresInDays: 1,
      previousKeyId: 12,
    })
    expect(settings({ 'expires-in-days': '365' }).expiresInDays).toBe(365)
    expect(problems({ 'expires-in-days': '7.5' })).toEqual([
      "expires-in-days: '7.5' is not a whole number from 1 to 365",
    ])
    expect(problems({ 'previous-key-id': '-3' })).toEqual(["previous-key-id: '-3' is not a whole number of at least 1"])
    expect(problems({ 'previous-key-id': '0' })).toEqual(["previous-key-id: '0' is not a whole number of at least 1"])
  })

  it('never quotes a credential in a problem', () => {
    const found = problems({ 'key-mode': 'admin', 'capgo-api-key': 'capgo-secret', 'github-token': 'gh-secret' })
    expect(found.join('\n')).not.toMatch(/capgo-secret|gh-secret/)
  })

  it("masks the runner's proxy credentials with the inputs, before anything can print them", () => {
    forgetSecrets()
    settings(
      {},
      {
        ...env,
        HTTPS_PROXY: 'http://ci-user:pr0xy%2Fpass@proxy.example:3128',
        http_proxy: 'http://tok3n-as-user@p.example:80',
      },
    )
    // As a library's error could quote them: the password, written or decoded, and a token given as the user.
    const text = redact(
      'CONNECT failed: http://ci-user:pr0xy%2Fpass@proxy.example:3128 (pr0xy/pass), via tok3n-as-user',
    )
    expect(text).not.toMatch(/pr0xy|tok3n-as-user/)
    expect(text).toContain('ci-user')
    // A proxy without credentials, or not a URL, masks nothing.
    forgetSecrets()
    settings({}, { ...env, HTTPS_PROXY: 'http://proxy.example:3128', HTTP_PROXY: 'not a url' })
    expect(redact('http://proxy.example:3128 not a url')).toBe('http://proxy.example:3128 not a url')
  })

  it('names the input and the expected form in every message', () => {
    const found = problems({
      'key-mode': 'admin',
      strategy: 'x',
      'secret-name': 'github_token',
      'limited-to-apps': 'com.a b',
    })
    expect(found).toEqual([
      "strategy: 'x' is not one of auto, create, regenerate",
      "key-mode: 'admin' is not one of read, upload, write, all",
      "secret-name: 'github_token' starts with GITHUB_, a prefix GitHub reserves for its own secrets",
      "limited-to-apps: 'com.a b' is not a Capgo app id (reverse-domain form, e.g. com.example.app)",
    ])
  })
})

describe('lifecycle inputs', () => {
  it('reads key-id-variable, keep-previous and rotate-after-days', () => {
    expect(
      settings({ 'key-id-variable': 'CAPGO_KEY_ID', 'keep-previous': '2', 'rotate-after-days': '7' }),
    ).toMatchObject({
      keyIdVariable: 'CAPGO_KEY_ID',
      keepPrevious: 2,
      rotateAfterDays: 7,
    })
  })

  it('checks the variable name like a secret name, and needs GITHUB_REPOSITORY', () => {
    expect(problems({ 'key-id-variable': 'capgo-key-id' })[0]).toMatch(
      /^key-id-variable: 'capgo-key-id' is not a valid variable name/,
    )
    expect(problems({ 'key-id-variable': 'GITHUB_KEY' })[0]).toBe(
      "key-id-variable: 'GITHUB_KEY' starts with GITHUB_, a prefix GitHub reserves",
    )
    expect(problems({ 'key-id-variable': 'KEY_ID', repositories: 'octo/app', 'key-name': 'k' }, {})).toEqual([
      'key-id-variable: needs GITHUB_REPOSITORY, the repository that holds the variable',
    ])
  })

  it('rejects out-of-range numbers', () => {
    expect(problems({ 'keep-previous': '-1' })).toEqual(["keep-previous: '-1' is not a whole number from 0 to 100"])
    expect(problems({ 'rotate-after-days': '0' })).toEqual([
      "rotate-after-days: '0' is not a whole number from 1 to 3650",
    ])
  })

  it('refuses a key-name with line breaks, control characters or over 256 characters, and app ids Capgo would refuse', () => {
    const expected = ['key-name: must be 1 to 256 printable characters, without line breaks or control characters']
    expect(problems({ 'key-name': 'rotation\r::error::x' })).toEqual(expected)
    expect(problems({ 'key-name': `a${'\u202e'}b` })).toEqual(expected)
    expect(problems({ 'key-name': 'k'.repeat(257) })).toEqual(expected)
    expect(settings({ 'key-name': 'github-actions:acme/web:production:CAPGO_TOKEN' }).keyName).toBe(
      'github-actions:acme/web:production:CAPGO_TOKEN',
    )
    expect(problems({ 'limited-to-apps': '<script>' })[0]).toMatch(/^limited-to-apps: '<script>' is not a Capgo app id/)
    expect(settings({ 'limited-to-apps': 'com.example.app, io.ionic.starter' }).limitedToApps).toHaveLength(2)
  })

  it('refuses limited-to-orgs that are not Capgo organization ids (UUIDs)', () => {
    expect(problems({ 'limited-to-orgs': 'acme' })).toEqual([
      "limited-to-orgs: 'acme' is not a Capgo organization id (a UUID, as shown in the Capgo dashboard's organization settings)",
    ])
    expect(settings({ 'limited-to-orgs': '5e1f0c4a-8b2d-4e6f-9a3c-1d7b5e9f2a40' }).limitedToOrgs).toHaveLength(1)
  })

  it('accepts a grace window with regenerate: the rotation then owns keep-previous + 1 keys', () => {
    expect(settings({ strategy: 'regenerate', 'keep-previous': '1' }).keepPrevious).toBe(1)
  })

  it('refuses a key that would expire before the run that replaces it', () => {
    expect(problems({ 'expires-in-days': '7', 'rotate-after-days': '7' })).toEqual([
      'expires-in-days: 7 is not longer than rotate-after-days: 7, so the key would expire before the run that replaces it: ' +
        'set expires-in-days to at least 8, or lower rotate-after-days',
    ])
    expect(settings({ 'expires-in-days': '8', 'rotate-after-days': '7' }).expiresInDays).toBe(8)
  })
})

describe('parseList', () => {
  it('splits on commas and newlines and drops blanks', () => {
    expect(parseList(' a, b\n\nc ,\n')).toEqual(['a', 'b', 'c'])
    expect(parseList('')).toEqual([])
  })
})

describe('key-name: one rotation, one name', () => {
  it('is required when a target lies in another repository, naming key-name and suggesting a value', () => {
    const [problem] = problems({ repositories: 'acme/web' })
    expect(problem).toMatch(
      /^key-name: required when a target lies outside the workflow's repository octo\/app \(here: acme\/web\)/,
    )
    expect(problem).toContain("e.g. 'github-actions:acme/web:CAPGO_TOKEN'")
  })

  it('is required with an organization target, and with a mix of own and other repositories', () => {
    expect(problems({ organization: 'acme' })[0]).toContain("e.g. 'github-actions:org:acme:CAPGO_TOKEN'")
    expect(problems({ repositories: 'app, acme/docs' })[0]).toContain('(here: acme/docs)')
  })

  it('defaults when every target is the workflow repository, whatever the case of its name', () => {
    expect(settings({ repositories: 'OCTO/App' }).keyName).toBe('github-actions:octo/app:CAPGO_TOKEN')
  })

  it('is the same for capgo_token and CAPGO_TOKEN, which GitHub stores as one secret', () => {
    const lower = settings({ 'secret-name': 'capgo_token' })
    expect(lower.secretName).toBe('CAPGO_TOKEN')
    expect(lower.keyName).toBe(settings({ 'secret-name': 'CAPGO_TOKEN' }).keyName)
  })

  it('marks a Dependabot-only rotation, so it differs from the Actions one', () => {
    expect(settings({ 'secret-types': 'dependabot' }).keyName).toBe('github-actions:octo/app:CAPGO_TOKEN:dependabot')
    expect(settings({ 'secret-types': 'actions,dependabot' }).keyName).toBe('github-actions:octo/app:CAPGO_TOKEN')
  })
})

describe('names the action reserves', () => {
  it('refuses a secret-name or key-id-variable in the CAPGO_ROTATION_ prefix of its throwaway secrets and lease', () => {
    expect(problems({ 'secret-name': 'CAPGO_ROTATION_WRITE_CHECK' })).toEqual([
      "secret-name: 'CAPGO_ROTATION_WRITE_CHECK' starts with CAPGO_ROTATION_, which this action reserves for its own throwaway secrets and variables",
    ])
    expect(problems({ 'secret-name': 'capgo_rotation_write_check' })[0]).toMatch(
      /^secret-name: 'CAPGO_ROTATION_WRITE_CHECK' starts with/,
    )
    expect(problems({ 'key-id-variable': 'capgo_rotation_lease_x' })[0]).toMatch(
      /^key-id-variable: 'capgo_rotation_lease_x' starts with CAPGO_ROTATION_/,
    )
  })
})

describe('the report of every problem', () => {
  it('keeps one order across concerns: credentials, key kind, targets, key-name, key scope, lifecycle, managing key', () => {
    const found = problems(
      {
        'capgo-api-key': '',
        'github-api-url': 'http://10.0.0.1',
        'key-mode': 'admin',
        'secret-name': 'bad-name',
        repositories: 'acme/web',
        'limited-to-orgs': 'acme',
        'expires-in-days': '7',
        'rotate-after-days': '7',
        'dry-run': 'maybe',
        'key-id-variable': 'GITHUB_X',
        'managing-key-environment': 'production',
      },
      { GITHUB_REPOSITORY: 'octo/app' },
    )
    expect(found.map((p) => p.slice(0, p.search(/[: ]/)))).toEqual([
      'capgo-api-key',
      'github-api-url',
      'key-mode',
      'secret-name',
      'key-name',
      'limited-to-orgs',
      'dry-run',
      'key-id-variable',
      'expires-in-days',
      'managing-key-environment',
    ])
  })
})

describe('readTuning', () => {
  it('defaults to 20 s attempts and a 1 s retry base for both services', () => {
    expect(readTuning({})).toEqual({
      timeoutMs: 20_000,
      capgoRetry: DEFAULT_RETRY_POLICY,
      githubRetries: 3,
      githubRetryBaseMs: 1000,
    })
  })

  it('takes CAPGO_ROTATION_TIMEOUT_MS and CAPGO_ROTATION_RETRY_BASE_MS', () => {
    const tuning = readTuning({ CAPGO_ROTATION_TIMEOUT_MS: ' 1500 ', CAPGO_ROTATION_RETRY_BASE_MS: '20' })
    expect(tuning).toMatchObject({ timeoutMs: 1500, githubRetryBaseMs: 20 })
    expect(tuning.capgoRetry).toEqual({ ...DEFAULT_RETRY_POLICY, baseDelayMs: 20 })
  })

  it('refuses values out of range, every one at once', () => {
    expect(() => readTuning({ CAPGO_ROTATION_TIMEOUT_MS: '50', CAPGO_ROTATION_RETRY_BASE_MS: '1s' })).toThrow(
      new SettingsError([
        "CAPGO_ROTATION_TIMEOUT_MS: '50' is not a whole number from 100 to 600000",
        "CAPGO_ROTATION_RETRY_BASE_MS: '1s' is not a whole number from 1 to 60000",
      ]),
    )
  })
})
