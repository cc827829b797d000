import type { IncomingMessage, Server, ServerResponse } from 'node:http'
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

/** One HTTP exchange as the sandbox's servers saw it, in this process's performance.now() clock. */
export interface Exchange {
  readonly service: 'capgo' | 'github'
  readonly method: string
  /** The path without the query string. */
  readonly path: string
  /** When the request line and headers arrived. */
  readonly arrivedAt: number
  /** When the last byte of the answer was handed to the socket; undefined for a hang or reset. */
  answeredAt: number | undefined
  status: number | undefined
}

export interface Sandbox {
  readonly capgo: FakeCapgo
  readonly github: FakeGitHub
  readonly token: string
  /** The action's inputs that point it at the sandbox. */
  inputs(extra?: Record<string, string>): Record<string, string>
  /** Every exchange with either service since the start (or the last clearTimeline), by arrival. */
  timeline(): readonly Exchange[]
  clearTimeline(): void
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
  const exchanges: Exchange[] = []
  record(capgo.server, 'capgo', exchanges)
  record(github.server, 'github', exchanges)
  return {
    capgo: capgo.fake,
    github: github.fake,
    token,
    inputs: (extra = {}) => fakeInputs(capgo.fake, github.fake, extra),
    timeline: () => [...exchanges].sort((a, b) => a.arrivedAt - b.arrivedAt),
    clearTimeline: () => {
      exchanges.length = 0
    },
    close: async () => {
      await Promise.all([capgo.close(), github.close()])
    },
  }
}

// Listens beside the fake's own handler: the times are taken at the socket, before the body is
// read and after the answer is written, so that they bound what the client can see.
function record(server: Server, service: Exchange['service'], into: Exchange[]): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const exchange: Exchange = {
      service,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://sandbox').pathname,
      arrivedAt: performance.now(),
      answeredAt: undefined,
      status: undefined,
    }
    into.push(exchange)
    res.once('finish', () => {
      exchange.answeredAt = performance.now()
      exchange.status = res.statusCode
    })
  })
}
