// npm run summary-pictures: the job summary of each kind of run, from real runs of the action (src/)
// against the loopback sandbox, kept in docs/summary/ as the Markdown the action wrote and as a
// picture of it rendered (marked, GitHub-like CSS, headless Chromium). Run it again after changing
// the summary, look at the pictures, commit both.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { marked } from 'marked'
import { FakeGitHub } from '../test/support/fake-github.js'
import { startSandbox, type Sandbox } from '../test/sandbox/sandbox.js'
import { runInProcess } from './summary-run.js'

const OUT = join(import.meta.dirname, '..', 'docs', 'summary')
const MAX_PNG_BYTES = 300 * 1024

interface Scenario {
  readonly file: string
  readonly title: string
  readonly generation: 'classic' | 'current'
  /** Prepares the sandbox; returns the inputs of the run to picture. */
  readonly setup: (sandbox: Sandbox) => Promise<Record<string, string>> | Record<string, string>
}

// A run that happened before the pictured one, so that there is a key and a secret to replace.
async function earlierRun(sandbox: Sandbox, inputs: Record<string, string>): Promise<void> {
  const earlier = await runInProcess(sandbox.inputs(inputs), env(sandbox), secrets(sandbox))
  if (earlier.failed) throw new Error(`the earlier run failed:\n${earlier.summary}`)
}

const scenarios: Scenario[] = [
  {
    file: 'rotated',
    title: 'A rotation (classic Capgo: create, then retire the previous key)',
    generation: 'classic',
    setup: async (sandbox) => {
      sandbox.github.addRepo('octo/app').addRepo('octo/web').addOrg('octo')
      sandbox.github.seedSecret({ org: 'octo' }, 'CAPGO_TOKEN', {
        visibility: 'selected',
        selected_repository_ids: [5001, 5002],
      })
      const inputs = {
        repositories: 'app, web',
        organization: 'octo',
        'limited-to-apps': 'com.demo.app',
        'expires-in-days': '30',
        'key-id-variable': 'CAPGO_KEY_ID',
      }
      await earlierRun(sandbox, inputs)
      return inputs
    },
  },
  {
    file: 'regenerated',
    title: 'A regeneration (current Capgo: the key gets a new value in place)',
    generation: 'current',
    setup: (sandbox) => {
      sandbox.github
        .addRepo('octo/app', { environments: ['production'] })
        .addRepo('octo/web', { environments: ['production'] })
      sandbox.capgo.addKey({
        name: 'github-actions:octo/app:production:CAPGO_TOKEN',
        mode: 'upload',
        limited_to_apps: ['com.demo.app'],
      })
      return { repositories: 'app, web', environment: 'production', 'expires-in-days': '30' }
    },
  },
  {
    file: 'dry-run',
    title: 'A dry run',
    generation: 'classic',
    setup: async (sandbox) => {
      sandbox.github.addRepo('octo/app')
      const inputs = { 'limited-to-apps': 'com.demo.app', 'key-id-variable': 'CAPGO_KEY_ID', 'keep-previous': '1' }
      await earlierRun(sandbox, inputs)
      await earlierRun(sandbox, inputs)
      return { ...inputs, 'dry-run': 'true' }
    },
  },
  {
    file: 'not-due',
    title: 'A scheduled run that is not due yet (rotate-after-days)',
    generation: 'classic',
    setup: async (sandbox) => {
      sandbox.github.addRepo('octo/app').addRepo('octo/web')
      const inputs = { repositories: 'app, web', 'rotate-after-days': '7' }
      await earlierRun(sandbox, inputs)
      sandbox.github.age(2)
      return inputs
    },
  },
  {
    file: 'partial-failure',
    title: 'A partial write: one target refused',
    generation: 'classic',
    setup: async (sandbox) => {
      sandbox.github.addRepo('octo/app').addRepo('octo/web').addRepo('octo/docs')
      const inputs = { repositories: 'app, web, docs' }
      await earlierRun(sandbox, inputs)
      sandbox.github.fault(
        'PUT',
        /octo\/docs\/actions\/secrets\/CAPGO_TOKEN$/,
        [
          403,
          { message: 'Resource not accessible by personal access token' },
          { 'x-accepted-github-permissions': 'secrets=write' },
        ],
        { every: true },
      )
      return inputs
    },
  },
  {
    file: 'failure',
    title: 'A failure in preflight: a repository the token cannot see',
    generation: 'classic',
    setup: async (sandbox) => {
      sandbox.github.addRepo('octo/app')
      await earlierRun(sandbox, {})
      return { repositories: 'app, octo/mobile-ap' }
    },
  },
]

function env(sandbox: Sandbox): Record<string, string> {
  // The sandbox's GitHub plays a GitHub Enterprise Server: its web address is the API's origin.
  return { GITHUB_SERVER_URL: new URL(sandbox.github.baseUrl).origin, GITHUB_API_URL: sandbox.github.baseUrl }
}

function secrets(sandbox: Sandbox): string[] {
  return [sandbox.token, ...sandbox.capgo.allKeyValues()]
}

const CSS = `
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: 880px; padding: 24px 28px; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.markdown-body h2 { font-size: 1.5em; font-weight: 600; margin: 0 0 12px; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 20px 0 8px; }
.markdown-body p, .markdown-body ul, .markdown-body table { margin: 0 0 14px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code { font: 12px ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  background: #818b981f; padding: .2em .4em; border-radius: 6px; }
.markdown-body table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.caption { font: 12px sans-serif; color: #59636e; padding: 10px 28px 0; }
`

function page(markdown: string, caption: string): string {
  const body = marked.parse(markdown, { gfm: true, async: false })
  return (
    `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>` +
    `<div class="caption">${caption}</div><div class="markdown-body">${body}</div>` +
    `<script>document.title = String(document.body.scrollHeight)</script></body></html>`
  )
}

function chromium(args: string[]): string {
  return execFileSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
}

function screenshot(html: string, png: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'capgo-picture-'))
  try {
    const file = join(dir, 'summary.html')
    writeFileSync(file, html)
    // First the page's height (the page writes it into its title), then a picture of exactly that.
    const dom = chromium(['--window-size=880,600', '--dump-dom', `file://${file}`])
    const height = Number(/<title>(\d+)<\/title>/.exec(dom)?.[1] ?? 1200)
    chromium([`--window-size=880,${height + 8}`, `--screenshot=${png}`, `file://${file}`])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  try {
    chromium(['--version'])
  } catch {
    process.stderr.write('error: headless Chromium is needed for the pictures (Debian: apt-get install -y chromium).\n')
    process.exit(1)
  }
  await FakeGitHub.ready()
  mkdirSync(OUT, { recursive: true })
  for (const scenario of scenarios) {
    const sandbox = await startSandbox({ generation: scenario.generation })
    try {
      const inputs = await scenario.setup(sandbox)
      const result = await runInProcess(sandbox.inputs(inputs), env(sandbox), secrets(sandbox))
      const markdown = result.summary
      writeFileSync(join(OUT, `${scenario.file}.md`), markdown)
      const png = join(OUT, `${scenario.file}.png`)
      screenshot(page(markdown, `${scenario.title}: the job summary as GitHub shows it (sandbox run)`), png)
      const size = statSync(png).size
      if (size > MAX_PNG_BYTES)
        throw new Error(`${png} is ${Math.round(size / 1024)} KB, over the ${MAX_PNG_BYTES / 1024} KB budget`)
      process.stdout.write(
        `${scenario.file}: ${result.failed ? 'failed' : 'succeeded'}, docs/summary/${scenario.file}.md and .png (${Math.round(size / 1024)} KB)\n`,
      )
    } finally {
      await sandbox.close()
    }
  }
}

await main()
