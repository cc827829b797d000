import { describe, expect, it } from 'vitest'
import {
  isBounded,
  limitResponseBodies,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readBoundedText,
} from '../src/response-size.js'

// Answers are read up to 16 MiB (src/response-size.ts), through its own exports only: a body just
// under, at and over the bound, a declared length over it, and a body that never ends, which must
// stop being read (and be cancelled) rather than grow the heap.

const CHUNK = 64 * 1024

/** A body of `total` bytes ('a'), or without end, produced on demand and counting what was pulled. */
function source(total: number | 'endless', chunk = CHUNK) {
  const state = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const left = total === 'endless' ? chunk : Math.min(chunk, total - state.pulled)
      if (left <= 0) {
        controller.close()
        return
      }
      state.pulled += left
      controller.enqueue(new Uint8Array(left).fill(0x61))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

function response(body: ReadableStream<Uint8Array> | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status: 200, headers })
}

/** The length read, so that a failing test prints a number, not megabytes. */
const lengthRead = (holder: Parameters<typeof readBoundedText>[0]) =>
  readBoundedText(holder).then((text) => text.length)

/** How far past the bound a reader may pull before it notices: what is queued in the pipe, at most. */
const SLACK = 4 * CHUNK

describe('readBoundedText', () => {
  it.each([
    ['just under the bound', MAX_RESPONSE_BYTES - 1],
    ['exactly the bound', MAX_RESPONSE_BYTES],
  ])('reads a body %s whole', async (_, size) => {
    const { stream } = source(size)
    const text = await readBoundedText(response(stream))
    expect(text.length).toBe(size)
    expect(text.startsWith('aaa')).toBe(true)
  })

  it('refuses a body one byte over the bound', async () => {
    const { stream } = source(MAX_RESPONSE_BYTES + 1)
    await expect(lengthRead(response(stream))).rejects.toBeInstanceOf(ResponseTooLargeError)
  })

  it('stops reading a body that never ends, without buffering it', async () => {
    const { stream, state } = source('endless')
    await expect(lengthRead(response(stream))).rejects.toThrow('the answer is larger than 16 MiB')
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeGreaterThan(MAX_RESPONSE_BYTES)
    expect(state.pulled).toBeLessThanOrEqual(MAX_RESPONSE_BYTES + SLACK)
  })

  it('refuses a declared length over the bound before reading any of it', async () => {
    const { stream, state } = source('endless')
    const answer = response(stream, { 'content-length': String(MAX_RESPONSE_BYTES + 1) })
    await expect(lengthRead(answer)).rejects.toBeInstanceOf(ResponseTooLargeError)
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThanOrEqual(CHUNK)
  })

  it('does not trust a declared length: a body longer than it says is still cut', async () => {
    const { stream, state } = source('endless')
    await expect(lengthRead(response(stream, { 'content-length': '12' }))).rejects.toBeInstanceOf(ResponseTooLargeError)
    expect(state.pulled).toBeLessThanOrEqual(MAX_RESPONSE_BYTES + SLACK)
  })

  it.each(['', 'abc', '-1', '1e400'])('reads on past a declared length of %j', async (length) => {
    const holder = { headers: new Headers({ 'content-length': length }), body: source(3).stream, text: async () => '' }
    // 1e400 is Infinity, which is no declared length either.
    await expect(readBoundedText(holder)).resolves.toBe('aaa')
  })

  it('decodes UTF-8 split across chunks, as fetch does', async () => {
    const bytes = new TextEncoder().encode('clé 🔑 ok')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte))
        controller.close()
      },
    })
    expect(await readBoundedText(response(stream))).toBe('clé 🔑 ok')
  })

  it('reads an empty body as empty', async () => {
    expect(await readBoundedText(response(source(0).stream))).toBe('')
    expect(await readBoundedText(response(null))).toBe('')
  })

  it('holds the bound in bytes for an answer without a stream', async () => {
    const holder = (text: string) => ({ headers: new Headers(), body: null, text: async () => text })
    const ascii = 'a'.repeat(MAX_RESPONSE_BYTES)
    expect(await lengthRead(holder(ascii))).toBe(MAX_RESPONSE_BYTES)
    // Fewer characters than the bound, but more bytes in UTF-8.
    const wide = 'é'.repeat(MAX_RESPONSE_BYTES / 2 + 1)
    await expect(lengthRead(holder(wide))).rejects.toBeInstanceOf(ResponseTooLargeError)
  })
})

describe('limitResponseBodies', () => {
  /** A fetch answering `answer`, with the URL a real answer carries. */
  function fetchAnswering(answer: Response) {
    Object.defineProperty(answer, 'url', { value: 'https://api.github.com/repos/octo/app' })
    const calls: string[] = []
    const inner = async (url: string) => {
      calls.push(url)
      return answer
    }
    return { fetch: limitResponseBodies(inner), inner, calls }
  }

  it('passes an answer within the bound through, status, headers and URL kept', async () => {
    const { fetch, calls } = fetchAnswering(
      new Response('{"ok":true}', { status: 201, statusText: 'Created', headers: { 'x-github-request-id': 'abc' } }),
    )
    const answer = await fetch('https://api.github.com/repos/octo/app')
    expect(calls).toEqual(['https://api.github.com/repos/octo/app'])
    expect(answer.status).toBe(201)
    expect(answer.statusText).toBe('Created')
    expect(answer.headers.get('x-github-request-id')).toBe('abc')
    expect(answer.url).toBe('https://api.github.com/repos/octo/app')
    expect(await answer.json()).toEqual({ ok: true })
  })

  it('passes a body of exactly the bound', async () => {
    const { fetch } = fetchAnswering(response(source(MAX_RESPONSE_BYTES).stream))
    const answer = await fetch('https://api.github.com/x')
    expect((await answer.arrayBuffer()).byteLength).toBe(MAX_RESPONSE_BYTES)
  })

  it('errors the body one byte over the bound', async () => {
    const { fetch } = fetchAnswering(response(source(MAX_RESPONSE_BYTES + 1).stream))
    const answer = await fetch('https://api.github.com/x')
    await expect(answer.arrayBuffer().then((b) => b.byteLength)).rejects.toThrow()
  })

  it('stops reading a body that never ends, and cancels it', async () => {
    const { stream, state } = source('endless')
    const { fetch } = fetchAnswering(response(stream))
    const answer = await fetch('https://api.github.com/x')
    await expect(answer.text().then((t) => t.length)).rejects.toThrow()
    // The pipe notices the error and cancels the source in a later turn.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThanOrEqual(MAX_RESPONSE_BYTES + SLACK)
  })

  it('answers a declared length over the bound with no body at all, without reading it', async () => {
    const { stream, state } = source('endless')
    const { fetch } = fetchAnswering(
      response(stream, { 'content-length': String(MAX_RESPONSE_BYTES + 1), etag: '"e"' }),
    )
    const answer = await fetch('https://api.github.com/x')
    expect(answer.body).toBeNull()
    expect(answer.status).toBe(200)
    expect(answer.headers.get('etag')).toBe('"e"')
    expect(answer.url).toBe('https://api.github.com/repos/octo/app')
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThanOrEqual(CHUNK)
  })

  it('leaves an answer without a body as it is', async () => {
    const original = new Response(null, { status: 204 })
    const { fetch } = fetchAnswering(original)
    expect(await fetch('https://api.github.com/x')).toBe(original)
  })

  it('marks the fetches it made, and only those', () => {
    const inner = async () => new Response('')
    const wrapped = limitResponseBodies(inner)
    expect(isBounded(wrapped)).toBe(true)
    expect(isBounded(inner)).toBe(false)
    expect(isBounded(limitResponseBodies(inner))).toBe(true)
    expect(isBounded(undefined)).toBe(false)
    expect(isBounded({})).toBe(false)
  })
})
