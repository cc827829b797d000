import nock from 'nock'

// Shared plumbing for the fake services: every request is recorded, faults can be queued per
// method and path, and the rest goes to the fake's own handler.

export interface RecordedRequest {
  /** Order across every fake service, so that tests can check which call came first. */
  readonly seq: number
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: unknown
}

let sequence = 0

export type Reply = [status: number, body?: unknown, headers?: Record<string, string>]

export interface Fault {
  readonly method: string
  readonly path: RegExp
  /** How many matching requests it answers; then it is spent. */
  times: number
  readonly reply: Reply
  /** Carry the request out first, then answer with the fault: a response lost after the fact. */
  readonly afterHandling: boolean
}

export abstract class FakeService {
  readonly requests: RecordedRequest[] = []
  private readonly faults: Fault[] = []
  /** Delay before every answer, to see how many requests the client keeps in flight. */
  latencyMs = 0
  private inFlight = 0
  /** The most requests that were in flight at once. */
  maxInFlight = 0

  constructor(readonly baseUrl: string) {}

  /** Answer the next `times` requests matching method and path with `reply` instead. */
  fault(method: string, path: RegExp, reply: Reply, options: { times?: number; afterHandling?: boolean } = {}): this {
    this.faults.push({ method, path, reply, times: options.times ?? 1, afterHandling: options.afterHandling ?? false })
    return this
  }

  mutatingRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
  }

  install(): this {
    const fake = this
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      nock(this.baseUrl)
        .persist()
        .intercept(/.*/, method)
        // nock 15 hands the reply function the request as a Fetch Request.
        .reply(async (request: Request) => {
          const path = new URL(request.url).pathname
          const text = await request.text()
          const parsed = text === '' ? undefined : safeJson(text)
          const headers = Object.fromEntries(request.headers.entries())
          fake.requests.push({ seq: sequence++, method, path, headers, body: parsed })
          fake.inFlight++
          fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight)
          try {
            if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs))
            return fake.answer(method, path, headers, parsed)
          } finally {
            fake.inFlight--
          }
        })
    }
    return this
  }

  private answer(method: string, path: string, headers: RecordedRequest['headers'], parsed: unknown): Reply {
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path))
    if (fault) {
      fault.times--
      if (fault.afterHandling) this.handle(method, path, headers, parsed)
      return fault.reply
    }
    return this.handle(method, path, headers, parsed)
  }

  protected abstract handle(method: string, path: string, headers: RecordedRequest['headers'], body: unknown): Reply
}

function safeJson(text: string): unknown {
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
