import { FakeCapgo, type Generation } from '../support/fake-capgo.js'
import { FakeGitHub } from '../support/fake-github.js'
import { serve } from '../support/fake-http.js'
import { fakeInputs } from '../support/fake-inputs.js'

// The sandbox: Capgo (either generation) and the parts of GitHub's REST API the action uses, as
// real HTTP servers on 127.0.0.1, with a key pair per secrets collection, latency and fault
// injection, and a request log (see test/support/fake-*.ts). Nothing leaves the machine.

export interface SandboxOptions {
  readonly generation: Generation
  /** Delay before every answer of both services. */
  readonly latencyMs?: number
  readonly token?: string
  /** Fixed ports (npm run sandbox), so that a .env written once keeps working; 0 picks free ones. */
  readonly capgoPort?: number
  readonly githubPort?: number
  /** A fixed value for the managing key (capgo-api-key) instead of a random one. */
  readonly managingKey?: string
}

export interface Sandbox {
  readonly capgo: FakeCapgo
  readonly github: FakeGitHub
  readonly token: string
  /** The action's inputs that point it at the sandbox. */
  inputs(extra?: Record<string, string>): Record<string, string>
  close(): Promise<void>
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const token = options.token ?? 'github_pat_sandbox0000000000000000000000000000'
  const fakeCapgo = new FakeCapgo(options.generation, 'http://127.0.0.1')
  if (options.managingKey) fakeCapgo.setValue(fakeCapgo.managingKey, options.managingKey)
  const capgo = await serve(fakeCapgo, '', options.capgoPort ?? 0)
  const github = await serve(new FakeGitHub(token, 'http://127.0.0.1/api/v3'), '/api/v3', options.githubPort ?? 0)
  capgo.fake.latencyMs = options.latencyMs ?? 0
  github.fake.latencyMs = options.latencyMs ?? 0
  return {
    capgo: capgo.fake,
    github: github.fake,
    token,
    inputs: (extra = {}) => fakeInputs(capgo.fake, github.fake, extra),
    close: async () => {
      await Promise.all([capgo.close(), github.close()])
    },
  }
}
