// npm run sandbox: keeps the loopback sandbox (a fake Capgo and a fake GitHub on 127.0.0.1, from
// test/sandbox/) running as a target for `npm run local-action` or for `node dist/index.js`, and
// shows what each run changed. Fixed ports and credentials, so the .env from .env.example works
// as is. Options: --current (current Capgo, which only regenerates), --capgo-port, --github-port.
// Nothing leaves the machine; the credentials are sandbox values, worthless anywhere else.
import { parseArgs } from 'node:util'
import { FakeGitHub } from '../test/support/fake-github.js'
import { startSandbox, type Sandbox } from '../test/sandbox/sandbox.js'

export const SANDBOX_MANAGING_KEY = 'sandbox-managing-key-0000-not-a-real-key'
export const SANDBOX_TOKEN = 'github_pat_sandbox_not_a_real_token_000000'
const REPOSITORY = 'octo/app'
const fingerprint = (value: string) => `${value.slice(0, 4)}…${value.slice(-2)}`

/** The .env lines that point the action at this sandbox (input names keep their hyphens). */
export function envLines(sandbox: Sandbox): string[] {
  return [
    `INPUT_CAPGO-API-KEY=${SANDBOX_MANAGING_KEY}`,
    `INPUT_CAPGO-API-URL=${sandbox.capgo.baseUrl}`,
    `INPUT_GITHUB-TOKEN=${SANDBOX_TOKEN}`,
    `INPUT_GITHUB-API-URL=${sandbox.github.baseUrl}`,
    `GITHUB_REPOSITORY=${REPOSITORY}`,
    `GITHUB_SERVER_URL=${new URL(sandbox.github.baseUrl).origin}`,
    'GITHUB_STEP_SUMMARY=./local-summary.md',
  ]
}

function state(sandbox: Sandbox): string {
  const keys = [...sandbox.capgo.keys.values()].map((key) => {
    const role = key.id === sandbox.capgo.managingKey.id ? ' (managing key)' : ''
    return `  key ${key.id} ${(key.mode ?? key.role ?? '-').padEnd(6)} ${fingerprint(key.key)} '${key.name}'${role}`
  })
  const stored = sandbox.github.stored({ repo: REPOSITORY }, 'CAPGO_TOKEN')
  let secret = `  ${REPOSITORY} CAPGO_TOKEN: not set`
  if (stored) {
    const value = sandbox.github.decrypt({ repo: REPOSITORY }, 'CAPGO_TOKEN')
    const live = [...sandbox.capgo.keys.values()].find((k) => k.key === value)
    secret = `  ${REPOSITORY} CAPGO_TOKEN: ${fingerprint(value)}, ${live ? `live key ${live.id}` : 'a key that no longer exists'}`
  }
  return ['Capgo keys:', ...keys, 'Secrets:', secret].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      current: { type: 'boolean', default: false },
      'capgo-port': { type: 'string', default: '4010' },
      'github-port': { type: 'string', default: '4011' },
    },
  })
  await FakeGitHub.ready()
  const sandbox = await startSandbox({
    generation: values.current ? 'current' : 'classic',
    capgoPort: Number(values['capgo-port']),
    githubPort: Number(values['github-port']),
    managingKey: SANDBOX_MANAGING_KEY,
    token: SANDBOX_TOKEN,
  })
  sandbox.github.addRepo(REPOSITORY, { environments: ['production'] }).addOrg('octo')
  // Current Capgo cannot create keys: give it the key to regenerate, named as key-name's default.
  if (values.current) sandbox.capgo.addKey({ name: `github-actions:${REPOSITORY}:CAPGO_TOKEN`, mode: 'upload' })

  process.stdout.write(
    `Sandbox running: ${values.current ? 'current' : 'classic'} Capgo at ${sandbox.capgo.baseUrl}, GitHub at ${sandbox.github.baseUrl}\n` +
      `Repository ${REPOSITORY} (environment 'production'), organization octo.\n\n` +
      `.env for npm run local-action (cp .env.example .env has the same with the default ports):\n\n${envLines(sandbox).join('\n')}\n\n` +
      `${state(sandbox)}\n\nCtrl-C stops it. Each run's changes are shown below.\n`,
  )

  let seen = 0
  const timer = setInterval(() => {
    const count = sandbox.capgo.requests.length + sandbox.github.requests.length
    if (count === seen) return
    // Wait for a quiet second, so that a run is shown once, after it finished.
    const requests = [...sandbox.capgo.requests, ...sandbox.github.requests].sort((a, b) => a.seq - b.seq)
    if (performance.now() - requests.at(-1)!.at < 1000) return
    const fresh = requests.slice(seen)
    seen = count
    const methods: Record<string, number> = {}
    for (const r of fresh) methods[r.method] = (methods[r.method] ?? 0) + 1
    process.stdout.write(
      `\n-- ${fresh.length} request(s): ${Object.entries(methods)
        .map(([m, n]) => `${n} ${m}`)
        .join(', ')}\n${state(sandbox)}\n`,
    )
  }, 250)

  const stop = () => {
    clearInterval(timer)
    void sandbox.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (import.meta.main) await main()
