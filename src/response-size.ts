// A bound on how much of an answer is read. Neither Capgo's /apikey answers (a list is capped at
// 1000 rows) nor GitHub's secrets endpoints come near it; a server or proxy that sends without end
// would otherwise grow the heap until the runner kills the job mid-rotation (lease held, a new key
// orphaned), since the request timeout leaves it 20 s of streaming.

export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024

export class ResponseTooLargeError extends Error {
  constructor() {
    super(`the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB`)
    this.name = 'ResponseTooLargeError'
  }
}

/** A web ReadableStream (fetch's body) or a Node Readable (undici's request()): read chunk by chunk. */
export type BodyStream = AsyncIterable<Uint8Array> & ({ cancel(): Promise<void> } | { destroy(): unknown })

interface BodyHolder {
  readonly headers: { get(name: string): string | null }
  readonly body?: BodyStream | null
  text(): Promise<string>
}

/** Drops an unread body, which frees the connection. */
function discard(body: BodyStream): void {
  if ('cancel' in body) body.cancel().catch(() => undefined)
  else body.destroy()
}

function declaredTooLarge(response: BodyHolder): boolean {
  const declared = Number(response.headers.get('content-length'))
  return Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES
}

/** The body as text (UTF-8, as fetch's text() decodes it), or ResponseTooLargeError past the bound. */
export async function readBoundedText(response: BodyHolder): Promise<string> {
  if (declaredTooLarge(response)) {
    if (response.body) discard(response.body)
    throw new ResponseTooLargeError()
  }
  if (!response.body) {
    const text = await response.text()
    if (Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError()
    return text
  }
  return new TextDecoder().decode(await collectBounded(response.body))
}

/** Every byte of a body, or ResponseTooLargeError past the bound. */
async function collectBounded(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  // Leaving the loop early cancels (web) or destroys (Node) the stream, which frees the connection.
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

type AnyFetch = (url: string, init?: never) => Promise<Response>

const bounded = new WeakSet<object>()

/** Whether a fetch is already one of limitResponseBodies' (a retried request keeps its options). */
export function isBounded(fetch: unknown): boolean {
  return typeof fetch === 'function' && bounded.has(fetch)
}

/**
 * A fetch whose answers stop being read past MAX_RESPONSE_BYTES. Octokit takes a body it could not
 * read as empty, so an oversized answer reads as a garbled one: every caller already refuses those.
 */
export function limitResponseBodies<F extends AnyFetch>(inner: F): F {
  const wrapped = async (url: string, init?: never): Promise<Response> => {
    const response = await inner(url, init)
    if (!response.body) return response
    if (declaredTooLarge(response)) {
      await response.body.cancel().catch(() => undefined)
      return withBody(response, null)
    }
    // The readers Octokit calls (text, json, arrayBuffer) read the body with a count, on the answer
    // itself: a counting TransformStream and a new Response cost every request ~2 ms of stream turns.
    const { body } = response
    let bytes: Promise<Uint8Array> | undefined
    const read = () => {
      bytes ??= collectBounded(body)
      return bytes
    }
    const text = async () => new TextDecoder().decode(await read())
    Object.defineProperties(response, {
      text: { value: text },
      json: { value: async () => JSON.parse(await text()) },
      arrayBuffer: {
        value: async () => {
          const all = await read()
          return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)
        },
      },
    })
    return response
  }
  bounded.add(wrapped)
  return wrapped as F
}

function withBody(response: Response, body: ReadableStream<Uint8Array> | null): Response {
  const limited = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
  // Octokit reports the answer's URL; a new Response has none.
  Object.defineProperty(limited, 'url', { value: response.url })
  return limited
}
