import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'

// Shared plumbing for the fake services: every request is recorded, latency and faults can be
// injected per method and path, and the rest goes to the fake's own handler. A fake is reached
// in one of two ways: through nock, for the in-process tests, or through a real HTTP server on
// 127.0.0.1, for the end-to-end tests of the bundle (the sandbox).

export interface RecordedRequest {
  /** Order across every fake service, so that tests can check which call came first. */
  readonly seq: number
  /** performance.now() when it arrived, in this process's clock. */
  readonly at: number
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: unknown
}

let sequence = 0

export type Reply = [status: number, body?: unknown, headers?: Record<string, string>]

/**
 * What a fault does instead of the normal answer: a given reply, no answer at all (a hang past
 * any timeout), a reset connection, or a 200 whose JSON body is cut short (after the request was
 * carried out, as a server that garbles its answer has done the work).
 */
export type FaultAction = Reply | 'hang' | 'reset' | 'malformed'

export interface FaultOptions {
  /** Fire on the first `times` matching requests (default 1). */
  readonly times?: number
  /** Fire on the Nth matching request only (1-based). */
  readonly nth?: number
  /** Fire on every matching request. */
  readonly every?: boolean
  /** Fire on every matching request from the Nth on (1-based): spares the earlier ones. */
  readonly from?: number
  /** Carry the request out first, then answer with the fault: a response lost after the fact. */
  readonly afterHandling?: boolean
}

interface Fault extends FaultOptions {
  readonly method: string
  readonly path: RegExp
  readonly action: FaultAction
  seen: number
}

export type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'hang' } | { kind: 'reset' } | { kind: 'malformed' }

export abstract class FakeService {
  readonly requests: RecordedRequest[] = []
  private readonly faults: Fault[] = []
  /** Delay before every answer. */
  latencyMs = 0
  private inFlight = 0
  /** The most requests that were in flight at once. */
  maxInFlight = 0
  private readonly inFlightByMethod = new Map<string, number>()
  /** The same, per HTTP method. */
  readonly maxInFlightByMethod = new Map<string, number>()

  constructor(public baseUrl: string) {}

  /** Answer matching requests with `action` instead of the normal answer. */
  fault(method: string, path: RegExp, action: FaultAction, options: FaultOptions = {}): this {
    this.faults.push({ method, path, action, seen: 0, ...options })
    return this
  }

  clearFaults(): void {
    this.faults.length = 0
  }

  mutatingRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
  }

  /** Records the request, waits the injected latency, and decides the answer. */
  async dispatch(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Promise<Outcome> {
    this.requests.push({ seq: sequence++, at: performance.now(), method, path, headers, body })
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    const ofMethod = (this.inFlightByMethod.get(method) ?? 0) + 1
    this.inFlightByMethod.set(method, ofMethod)
    this.maxInFlightByMethod.set(method, Math.max(this.maxInFlightByMethod.get(method) ?? 0, ofMethod))
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs))
      const fault = this.firingFault(method, path)
      if (!fault) return { kind: 'reply', reply: this.handle(method, path, headers, body) }
      // A garbled answer comes from a server that did the work; afterHandling makes any fault so.
      if (fault.afterHandling || fault.action === 'malformed') this.handle(method, path, headers, body)
      return typeof fault.action === 'string' ? { kind: fault.action } : { kind: 'reply', reply: fault.action }
    } finally {
      this.inFlight--
      this.inFlightByMethod.set(method, (this.inFlightByMethod.get(method) ?? 1) - 1)
    }
  }

  private firingFault(method: string, path: string): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.method !== method || !fault.path.test(path)) continue
      fault.seen++
      const fires = fault.every
        ? true
        : fault.from !== undefined
          ? fault.seen >= fault.from
          : fault.nth !== undefined
            ? fault.seen === fault.nth
            : fault.seen <= (fault.times ?? 1)
      if (fires) return fault
    }
    return undefined
  }

  /** Intercepts this fake's base URL with nock (in-process tests). Hangs and resets need the server. */
  install(): this {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      nock(new URL(this.baseUrl).origin)
        .persist()
        .intercept(/.*/, method)
        // nock 15 hands the reply function the request as a Fetch Request.
        .reply(async (request: Request) => {
          const text = await request.text()
          const outcome = await this.dispatch(
            method,
            new URL(request.url).pathname,
            Object.fromEntries(request.headers.entries()),
            parseBody(text),
          )
          if (outcome.kind === 'reply') return outcome.reply
          if (outcome.kind === 'malformed') return [200, '{"data": [', { 'content-type': 'application/json' }]
          throw new Error(`a ${outcome.kind} fault needs the HTTP sandbox, not nock`)
        })
    }
    return this
  }

  protected abstract handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply
}

/** A real HTTP server on 127.0.0.1 for a fake (the sandbox). The fake's base URL gets its port. */
export async function serve<T extends FakeService>(
  fake: T,
  basePath = '',
  port = 0,
): Promise<{ fake: T; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    void readBody(req).then(async (text) => {
      const path = new URL(req.url ?? '/', 'http://sandbox').pathname
      const outcome = await fake.dispatch(req.method ?? 'GET', path, req.headers, parseBody(text))
      switch (outcome.kind) {
        case 'hang':
          return // never answer; the client's timeout has to end it
        case 'reset':
          req.socket.destroy()
          return
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [')
          return
        case 'reply': {
          const [status, body, headers] = outcome.reply
          const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
          res
            .writeHead(status, {
              ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
              ...headers,
            })
            .end(payload)
        }
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`
  return {
    fake,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function header(headers: RecordedRequest['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
