import { describe, expect, it } from 'vitest'
import type { Reply } from '../support/fake-http.js'
import type { Sandbox } from '../sandbox/sandbox.js'
import { run, sandbox, unmaskedLeaks, useLoopback } from './harness.js'

useLoopback()

// Capgo answers a create or regenerate in an odd shape (valid JSON) that still carries a live
// credential. Whatever the action makes of it: that credential never shows unmasked, no secret
// gets an empty or dead value while the run passes, and a clean re-run converges.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

type Handle = (method: string, path: string, headers: unknown, body: unknown) => Reply

/** Rewrites the fake's answer to matching requests, after it has done the work. */
function rewrite(box: Sandbox, method: string, path: RegExp, transform: (reply: Reply) => Reply, times = 1): void {
  const fake = box.capgo as unknown as { handle: Handle }
  const original = fake.handle.bind(box.capgo)
  let left = times
  fake.handle = (m, p, h, b) => {
    const reply = original(m, p, h, b)
    if (m === method && path.test(p) && left > 0 && reply[0] === 200) {
      left--
      return transform(reply)
    }
    return reply
  }
}

function secretProblems(box: Sandbox, exitCode: number | null): string[] {
  const problems: string[] = []
  const stored = box.github.stored({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  if (stored) {
    const value = box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
    if (!box.capgo.isAlive(value))
      problems.push(`CAPGO_TOKEN holds a dead value ${JSON.stringify(value.slice(0, 8))} (exit ${exitCode})`)
  }
  return problems
}

const CREATE_SHAPES: Array<[string, (row: Record<string, unknown>) => unknown]> = [
  ['an array of the row', (row) => [row]],
  ['{data: row}', (row) => ({ data: row })],
  ['the row with id as a string', (row) => ({ ...row, id: String(row.id) })],
  ['the row without id', (row) => ({ ...row, id: undefined })],
  ['the row with key as a number', (row) => ({ ...row, key: 12345678, plaintext: row.key })],
  ['the row with key empty', (row) => ({ ...row, key: '', secret: row.key })],
  ['the row with key null and the value in another field', (row) => ({ ...row, key: null, value: row.key })],
  ['the row with a different name', (row) => ({ ...row, name: 'someone-else' })],
  [
    'the row wrapped with an error field',
    (row) => ({ ...row, error: 'partial', message: `created ${String(row.key)}` }),
  ],
]

describe('classic create answered in an odd shape', () => {
  it.each(CREATE_SHAPES)('%s', async (_, shape) => {
    const box = await sandbox('classic')
    try {
      const previous = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
      rewrite(box, 'POST', /^\/apikey\/?$/, ([status, body]) => [status, shape(body as Record<string, unknown>)])
      const first = await run(box, { strategy: 'create' })
      const problems = [
        ...unmaskedLeaks(first, [...box.capgo.allKeyValues(), box.token]),
        ...secretProblems(box, first.exitCode),
      ]
      const second = await run(box, { strategy: 'create' })
      problems.push(
        ...unmaskedLeaks(second, [...box.capgo.allKeyValues(), box.token]),
        ...secretProblems(box, second.exitCode),
      )
      if (second.exitCode !== 0) problems.push(`re-run failed: ${second.error}`)
      const named = box.capgo.named(NAME)
      if (named.length !== 1)
        problems.push(
          `after the re-run ${named.length} keys are named key-name (ids ${named.map((k) => k.id).join(', ')})`,
        )
      const orphans = [...box.capgo.keys.values()].filter((k) => k.name === 'someone-else')
      if (orphans.length > 0) problems.push(`orphan key(s) ${orphans.map((k) => k.id).join(', ')} left alive`)
      console.log(_, first.exitCode, first.error?.slice(0, 200))
      expect(problems).toEqual([])
    } finally {
      await box.close()
    }
  })
})

const REGEN_SHAPES: Array<[string, (row: Record<string, unknown>) => unknown]> = [
  ['key empty', (row) => ({ ...row, key: '' })],
  ['key null', (row) => ({ ...row, key: null })],
  ['key with surrounding spaces', (row) => ({ ...row, key: ` ${String(row.key)} ` })],
  ['key with a trailing newline', (row) => ({ ...row, key: `${String(row.key)}\n` })],
  ['expires_at in the past', (row) => ({ ...row, expires_at: '2001-01-01T00:00:00+00:00' })],
  ['expires_at garbage', (row) => ({ ...row, expires_at: 'soon' })],
  ['another id', (row) => ({ ...row, id: Number(row.id) + 1000 })],
]

describe('current regenerate answered in an odd shape', () => {
  it.each(REGEN_SHAPES)('%s', async (_, shape) => {
    const box = await sandbox('current')
    try {
      const target = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', target.key)
      rewrite(box, 'PUT', /^\/apikey\/\d+$/, ([status, body]) => [status, shape(body as Record<string, unknown>)], 1)
      const first = await run(box)
      const problems = [...unmaskedLeaks(first, [...box.capgo.allKeyValues(), box.token])]
      if (first.exitCode === 0) problems.push(...secretProblems(box, first.exitCode))
      const second = await run(box)
      problems.push(
        ...unmaskedLeaks(second, [...box.capgo.allKeyValues(), box.token]),
        ...secretProblems(box, second.exitCode),
      )
      if (second.exitCode !== 0) problems.push(`re-run failed: ${second.error}`)
      console.log(_, first.exitCode, first.error?.slice(0, 300))
      expect(problems).toEqual([])
    } finally {
      await box.close()
    }
  })
})
