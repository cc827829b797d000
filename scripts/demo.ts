// npm run demo: a full rotation, twice, with nothing outside this machine. It starts the loopback
// sandbox (a fake Capgo and a fake GitHub on 127.0.0.1), runs the committed dist/index.js against
// it exactly as the GitHub runner would, and shows what a user sees: the log, the outputs, the job
// summary, and the Capgo keys and stored secrets before and after. Key values are shown only as
// short fingerprints, as a habit worth keeping even with sandbox keys.
import { FakeGitHub } from '../test/support/fake-github.js'
import { summaryText } from '../test/support/summary-text.js'
import { runBundle, type BundleRun } from '../test/sandbox/run-bundle.js'
import { startSandbox, type Sandbox } from '../test/sandbox/sandbox.js'

const VARIABLE = 'CAPGO_KEY_ID'
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const fingerprint = (value: string) => `${value.slice(0, 4)}…${value.slice(-2)}`

function heading(text: string): void {
  process.stdout.write(`\n${bold(`== ${text} ${'='.repeat(Math.max(0, 76 - text.length))}`)}\n`)
}

function showState(sandbox: Sandbox): void {
  process.stdout.write('Capgo keys:\n')
  for (const key of sandbox.capgo.keys.values()) {
    const role = key.id === sandbox.capgo.managingKey.id ? ' (the managing key, capgo-api-key)' : ''
    process.stdout.write(
      `  id ${key.id}  ${(key.mode ?? key.role ?? '-').padEnd(6)}  ${fingerprint(key.key)}  '${key.name}'${role}\n`,
    )
  }
  const stored = sandbox.github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  if (!stored) {
    process.stdout.write('Secret octo/app CAPGO_TOKEN: not set\n')
  } else {
    const value = sandbox.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    const key = [...sandbox.capgo.keys.values()].find((k) => k.key === value)
    process.stdout.write(
      `Secret octo/app CAPGO_TOKEN: decrypts (with the repository's private key) to ${fingerprint(value)}, ` +
        `${key ? `the live key ${key.id}` : 'a key that no longer exists'}\n`,
    )
  }
  process.stdout.write(`Variable ${VARIABLE}: ${sandbox.github.variable('octo/app', VARIABLE) ?? 'not set'}\n`)
}

function showRun(run: BundleRun): void {
  heading('the action log')
  const log = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) =>
      line
        .replace(/^::(notice|warning|error)::/, (_, kind: string) => `${kind.toUpperCase()}: `)
        .replace(/%0A/g, '\n  '),
    )
  process.stdout.write(`${log.join('\n').trim()}\n(exit code ${run.exitCode}, ${Math.round(run.durationMs)} ms)\n`)
  heading('outputs (steps.<id>.outputs.*)')
  for (const [name, value] of Object.entries(run.outputs)) {
    process.stdout.write(
      `  ${name.padEnd(17)} ${name === 'key' ? '*** (masked in the log; usable by later steps)' : value}\n`,
    )
  }
  heading('job summary')
  process.stdout.write(`${summaryText(run.summary)}\n`)
}

async function main(): Promise<void> {
  await FakeGitHub.ready()
  const sandbox = await startSandbox({ generation: 'classic' })
  try {
    sandbox.github.addRepo('octo/app')
    sandbox.capgo.addKey({ name: 'made by hand long ago', mode: 'all' })
    const inputs = sandbox.inputs({
      'limited-to-apps': 'com.example.app',
      'expires-in-days': '30',
      'key-id-variable': VARIABLE,
    })
    process.stdout.write(
      `Sandbox: Capgo (classic) at ${sandbox.capgo.baseUrl}, GitHub at ${sandbox.github.baseUrl}.\n` +
        `Workflow repository octo/app. Inputs: limited-to-apps: com.example.app, expires-in-days: 30, key-id-variable: ${VARIABLE}.\n`,
    )
    heading('before')
    showState(sandbox)

    for (const [index, title] of [
      'first rotation: creates the key and the secret',
      'second rotation: replaces the key and retires the first one',
    ].entries()) {
      heading(`run ${index + 1}, ${title}`)
      const run = await runBundle(inputs, { githubApiUrl: sandbox.github.baseUrl })
      showRun(run)
      heading(`after run ${index + 1}`)
      showState(sandbox)
      if (run.exitCode !== 0) process.exitCode = 1
    }
  } finally {
    await sandbox.close()
  }
}

await main()
