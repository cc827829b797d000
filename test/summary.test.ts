import nock from 'nock'
import { beforeAll, describe, expect, it } from 'vitest'
import { escapeText } from '../src/markdown.js'
import { duration, humanTime, relative } from '../src/summary.js'
import { githubWebUrl } from '../src/summary-links.js'
import { FakeCapgo } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'
import { summaryHtml, summaryText } from './support/summary-text.js'

// The job summary is Markdown that GitHub renders with raw HTML allowed: hostile names and server
// messages must show as text and nothing else. And it must read well: a verdict, times a person
// reads, links where a secret lives, the run's warnings and notices.

const TOKEN = 'github_pat_summarytest00000000000000000000'

/** A run on a runner of the GitHub the fake plays (GITHUB_SERVER_URL set), checked for leaks. */
function rotate(capgo: FakeCapgo, github: FakeGitHub, extra: Record<string, string> = {}) {
  return runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    env: { GITHUB_SERVER_URL: 'https://github.test', GITHUB_API_URL: github.baseUrl },
    mustNotLeak: credentialsOf(capgo, github),
  })
}

/** A run on a runner that names no GitHub server (no GITHUB_SERVER_URL), checked for leaks and the lease. */
function rotateUnlinked(capgo: FakeCapgo, github: FakeGitHub, extra: Record<string, string> = {}) {
  return runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })
}

beforeAll(async () => {
  await FakeGitHub.ready()
})

function fakes(
  generation: 'classic' | 'current' = 'classic',
  capgoUrl?: string,
): { capgo: FakeCapgo; github: FakeGitHub } {
  nock.cleanAll()
  return { capgo: new FakeCapgo(generation, capgoUrl).install(), github: new FakeGitHub(TOKEN).install() }
}

const ALLOWED_TAGS = new Set([
  'h2',
  'h3',
  'p',
  'ul',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'strong',
  'a',
  'br',
])

/** Every tag of the rendered summary is one we write, with no attribute but our own href. */
function expectOnlyOurMarkup(html: string, hrefOrigin: string): void {
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    const name = /^<\/?\s*([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase()
    expect(ALLOWED_TAGS, tag).toContain(name)
    const attributes = tag
      .replace(/^<\/?\s*[a-zA-Z0-9]+/, '')
      .replace(/\/?>$/, '')
      .trim()
    if (attributes !== '')
      expect(attributes, tag).toMatch(new RegExp(`^href="${hrefOrigin.replace(/[.]/g, '\\.')}/[^"]*"$`))
  }
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</td></tr></table><h1>pwned</h1>',
  '| a | b |',
  'line one\n# line two\n- line three\r\n1. four',
  '[phish](https://evil.example) ![x](https://evil.example/t.png)',
  'https://evil.example www.evil.example mail@evil.example',
  '`code` *em* _em_ ~~del~~ $x^2$ \\| & &amp; &#60;b&#62;',
  '<!-- comment --> <script>alert(1)</script> <a href="javascript:alert(1)">x</a>',
  '\u202eevil\u202c control\u0007',
]

describe('escaping', () => {
  it.each(HOSTILE)('renders %j as its own text and nothing else', (text) => {
    const html = summaryHtml(
      `| Where | What |\n| --- | --- |\n| ${escapeText(text)} | cell |\n\n- ${escapeText(text)}\n\n${escapeText(text)}`,
    )
    expectOnlyOurMarkup(html, 'https://none')
    // Still one table row of two cells: nothing broke out of the cell.
    expect(html.match(/<td>/g)).toHaveLength(2)
    const shown = summaryText(`${escapeText(text)}`)
    const expected = text
      .replace(/\r\n?/g, '\n')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g, '\ufffd')
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .join('\n')
    expect(shown).toBe(expected)
  })
})

describe('a run with hostile names and messages', () => {
  it('shows them as text: environment, key name and GitHub error message', async () => {
    // (No line break: settings refuse control characters in an environment name, as in key-name.)
    const environment = '<img src=x onerror=alert(1)></td>|x # env'
    const keyName = '</td><script>alert(1)</script> | [x](javascript:alert(1)) www.evil.example'
    const message = '<img src=x onerror=alert(2)>\n</td></tr></table><h1>pwned</h1> | `x`'
    const { capgo, github } = fakes()
    github.addRepo('octo/app', { environments: [environment] }).addRepo('octo/web', { environments: [environment] })
    github.fault('PUT', /octo\/web\/environments\/.*\/secrets\/CAPGO_TOKEN$/, [403, { message }], { every: true })
    const run = await rotate(capgo, github, { repositories: 'app, web', environment, 'key-name': keyName })
    expect(run.failed).toBe(true)
    expect(run.summary).toContain('](https://github.test/octo/app/settings/environments)')

    const html = summaryHtml(run.summary)
    expectOnlyOurMarkup(html, 'https://github.test')
    for (const raw of ['<img', '<script', '</td>', '<h1>']) expect(run.summary).not.toContain(raw)
    // One header row and one row per target: the table held.
    expect(html.match(/<tr>/g)).toHaveLength(3)
    const text = summaryText(run.summary)
    expect(text).toContain('<img src=x onerror=alert(1)></td>|x # env')
    expect(text).toContain(keyName)
    // (GitHub's message is folded onto one line, its line break shown as ⏎: src/log-text.ts.)
    expect(text).toContain('403 <img src=x onerror=alert(2)> ⏎ </td></tr></table><h1>pwned</h1> | `x`.')
  })
})

describe('what the summary says', () => {
  it('a rotation: verdict, duration, human times, links, the key and the retired key', async () => {
    const { capgo, github } = fakes('classic', 'https://api.capgo.app')
    github.addRepo('octo/app')
    const old = capgo.addKey({ name: 'github-actions:octo/app:CAPGO_TOKEN' })
    const run = await rotateUnlinked(capgo, github, { 'expires-in-days': '30', 'limited-to-apps': 'com.example.app' })
    const key = capgo.named('github-actions:octo/app:CAPGO_TOKEN')[0]!
    const text = summaryText(run.summary)

    expect(text.split('\n')[0]).toBe(`✅ Rotated key ${key.id} into 1 secret; retired key ${old.id}`)
    expect(text).toMatch(
      /^Capgo key rotation took (under 0\.1 s|\d+\.\d s), finished \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/m,
    )
    expect(text).toContain(`Expires: ${humanTime(key.expires_at!)} (in 30 days)`)
    expect(text).toContain(
      `Key ${key.id} github-actions:octo/app:CAPGO_TOKEN: new, mode upload, limited to apps com.example.app.`,
    )
    expect(text).toContain(`Earlier keys: deleted ${old.id}`)
    // No raw ISO times with seconds or milliseconds.
    expect(text).not.toMatch(/\d\d:\d\d:\d\d|\.\d{3}Z/)
    const html = summaryHtml(run.summary)
    expect(html).toContain('<a href="https://console.capgo.app/dashboard/apikeys">Capgo API keys</a>')
  })

  it('links to the secrets page on the GitHub server in use (GHES: GITHUB_SERVER_URL), never to another one', async () => {
    const { capgo, github } = fakes()
    github.addRepo('octo/app').addOrg('octo')
    const linked = await rotateUnlinked(capgo, github, { repositories: 'app', organization: 'octo' })
    // rotateUnlinked sets no GITHUB_SERVER_URL, and runAction and a GHES-like GITHUB_API_URL: no server known, no links.
    expect(summaryHtml(linked.summary)).not.toContain('<a ')

    expect(githubWebUrl('https://ghe.example.com/api/v3', { GITHUB_SERVER_URL: 'https://ghe.example.com' })).toBe(
      'https://ghe.example.com',
    )
    expect(githubWebUrl('https://api.github.com', {})).toBe('https://github.com')
    expect(githubWebUrl('https://api.github.com', { GITHUB_SERVER_URL: 'https://github.com' })).toBe(
      'https://github.com',
    )
    expect(githubWebUrl('https://api.octo.ghe.com', { GITHUB_SERVER_URL: 'https://octo.ghe.com' })).toBe(
      'https://octo.ghe.com',
    )
    // A github.com runner writing to a GHES by github-api-url: the runner's server is the wrong one.
    expect(githubWebUrl('https://ghe.example.com/api/v3', { GITHUB_SERVER_URL: 'https://github.com' })).toBeUndefined()
  })

  it("repeats GitHub's rate-limit waits among the warnings", async () => {
    const { capgo, github } = fakes()
    github.addRepo('octo/app')
    github.fault('PUT', /CAPGO_TOKEN$/, [429, { message: 'Too many requests' }, { 'retry-after': '0' }])
    const run = await rotate(capgo, github)
    expect(run.failed).toBe(false)
    expect(summaryText(run.summary)).toContain(
      'Warnings\n⚠️ GitHub answered 429 to PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}: waiting 0 s (Retry-After) before retrying.',
    )
  })

  it('a self-hosted Capgo gets no Capgo link', async () => {
    const { capgo, github } = fakes()
    github.addRepo('octo/app')
    const run = await rotateUnlinked(capgo, github)
    expect(summaryHtml(run.summary)).not.toContain('console.capgo.app')
  })

  it('a regenerate says "in place", repeats the notice, and links each target', async () => {
    const { capgo, github } = fakes('current')
    github.addRepo('octo/app')
    const existing = capgo.addKey({
      name: 'github-actions:octo/app:CAPGO_TOKEN',
      updated_at: '2026-01-01T00:00:00+00:00',
    })
    const other = capgo.addKey({ name: 'github-actions:octo/app:CAPGO_TOKEN', updated_at: '2026-02-01T00:00:00+00:00' })
    const run = await rotate(capgo, github, { 'keep-previous': '1', 'previous-key-id': '', strategy: 'regenerate' })
    const text = summaryText(run.summary)
    expect(text.split('\n')[0]).toBe(`✅ Regenerated key ${existing.id} in place and wrote 1 secret`)
    expect(text).toContain('regenerated in place (same id, new value; the old value no longer works)')
    expect(text).toContain(
      `Earlier keys: ${other.id} kept alive, so the value the secrets held until now works until the next run (keep-previous: 1)`,
    )
    expect(text).not.toMatch(/Previous key ids/)
    expect(summaryHtml(run.summary)).toContain(
      '<a href="https://github.test/octo/app/settings/secrets/actions">octo/app</a>',
    )
  })

  it("a skipped run shows what it observed (each secret's last update), not the settings", async () => {
    const { capgo, github } = fakes()
    github.addRepo('octo/app')
    github.seedSecret({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    github.age(3)
    const updated = github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')!.updated_at
    const run = await rotateUnlinked(capgo, github, { 'rotate-after-days': '7', 'limited-to-apps': 'com.example.app' })
    const text = summaryText(run.summary)
    expect(text.split('\n')[0]).toBe('⏭️ Not due: every secret was updated less than 7 days ago')
    expect(text).toContain(`octo/app | repository, Actions | ${humanTime(updated)} (3 days ago)`)
    for (const setting of ['com.demo.app', 'mode', 'Expires', 'Key ']) expect(text).not.toContain(setting)
  })

  it('a failure before any write says so, with the cause', async () => {
    const { capgo, github } = fakes()
    const run = await rotateUnlinked(capgo, github, { repositories: 'missing', 'key-name': 'rotation of octo/missing' })
    const text = summaryText(run.summary)
    expect(text.split('\n')[0]).toBe('❌ Failed: no secret was written')
    expect(text).toContain('What went wrong\nreading the public key of octo/missing')
  })
})

describe('time words', () => {
  it('minutes in UTC, durations and distances a person reads', () => {
    expect(humanTime('2026-11-28T02:30:59.123Z')).toBe('2026-11-28 02:30 UTC')
    expect(humanTime('not a time')).toBeUndefined()
    expect(duration(40)).toBe('under 0.1 s')
    expect(duration(2_345)).toBe('2.3 s')
    expect(duration(72_000)).toBe('1 min 12 s')
    const now = new Date('2026-11-28T00:00:00Z')
    expect(relative('2026-12-03T00:00:00Z', now)).toBe('in 5 days')
    expect(relative('2026-11-27T21:00:00Z', now)).toBe('3 hours ago')
    expect(relative('2026-11-28T00:01:00Z', now)).toBe('in 1 minute')
  })
})
