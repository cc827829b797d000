import { describe, expect, it } from 'vitest'
import type { BundleRun } from '../sandbox/run-bundle.js'
import type { Sandbox } from '../sandbox/sandbox.js'
import { forgedCommands, run, sandbox, unmaskedLeaks, useLoopback } from './harness.js'

useLoopback()

// Server text and input text must stay data: no workflow command (docs/github-secrets.md, the
// runner's parsing rules), no HTML or remote image in the job summary.

const PAYLOADS = {
  cr: 'x\r::warning::FORGED-CR',
  lf: 'x\n::warning::FORGED-LF',
  crlf: 'x\r\n::stop-commands::FORGEDSTOP',
  legacy: 'x ##[warning]FORGED-LEGACY',
  html: 'x<img src=x onerror=alert(1)>',
  image: 'x ![t](http://evil.example/pixel.png)',
  details: 'x</td></tr></table><details open><summary>FORGED',
}

function summaryInjected(summary: string): string[] {
  const found: string[] = []
  for (const pattern of [/<img/i, /<script/i, /<details/i, /<\/table/i, /!\[[^\]]*\]\(/, /\]\(http:\/\/evil/])
    if (pattern.test(summary)) found.push(String(pattern))
  return found
}

function problems(box: Sandbox, result: BundleRun): string[] {
  return [
    ...forgedCommands(result).map((line) => `forged command: ${JSON.stringify(line.slice(0, 100))}`),
    ...summaryInjected(result.summary).map((p) => `summary holds ${p}`),
    ...unmaskedLeaks(result, [...box.capgo.allKeyValues(), box.token]),
  ]
}

async function withBox<T>(generation: 'classic' | 'current', body: (box: Sandbox) => Promise<T>): Promise<T> {
  const box = await sandbox(generation)
  try {
    return await body(box)
  } finally {
    await box.close()
  }
}

describe('input text', () => {
  it.each(Object.entries(PAYLOADS))('key-name %s: refused before any request, or kept as data', async (_, payload) => {
    await withBox('classic', async (box) => {
      const result = await run(box, { 'key-name': payload })
      const refusedEarly = result.exitCode !== 0 && box.capgo.requests.length === 0 && box.github.requests.length === 0
      if (!refusedEarly) expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))(
    'environment %s: refused before any request, or kept as data',
    async (_, payload) => {
      await withBox('classic', async (box) => {
        const result = await run(box, { environment: payload })
        const refusedEarly =
          result.exitCode !== 0 && box.capgo.requests.length === 0 && box.github.requests.length === 0
        expect(refusedEarly ? [] : problems(box, result)).toEqual([])
      })
    },
  )
})

describe('server text', () => {
  it.each(Object.entries(PAYLOADS))('Capgo create refusal message %s', async (_, payload) => {
    await withBox('classic', async (box) => {
      box.capgo.fault(
        'POST',
        /^\/apikey\/?$/,
        [400, { error: `bad_${payload}`, message: payload, moreInfo: { detail: payload } }],
        {
          every: true,
        },
      )
      const result = await run(box, { strategy: 'create' })
      expect(result.exitCode).not.toBe(0)
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))('Capgo list 500 message %s', async (_, payload) => {
    await withBox('classic', async (box) => {
      box.capgo.fault('GET', /^\/apikey\/?$/, [500, payload], { every: true })
      const result = await run(box)
      expect(result.exitCode).not.toBe(0)
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))('GitHub 403 message and accepted-permissions header %s', async (_, payload) => {
    await withBox('classic', async (box) => {
      const header = payload.replace(/[\r\n]/g, ' ') // a header cannot carry CR or LF
      box.github.fault(
        'GET',
        /public-key$/,
        [403, { message: payload, documentation_url: payload }, { 'x-accepted-github-permissions': header }],
        { every: true },
      )
      const result = await run(box)
      expect(result.exitCode).not.toBe(0)
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))('key-id-variable value %s', async (_, payload) => {
    await withBox('classic', async (box) => {
      box.github.setVariable('octo/app', 'CAPGO_KEY_ID', payload)
      const result = await run(box, { 'key-id-variable': 'CAPGO_KEY_ID' })
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))('lease held, its value %s', async (_, payload) => {
    await withBox('classic', async (box) => {
      // Learn the lease's name from a first run, then leave a live lease with a hostile value.
      await run(box)
      const name = String((box.github.leaseRequests().find((r) => r.method === 'POST')!.body as { name: string }).name)
      box.github.setVariable('octo/app', name, payload)
      const result = await run(box)
      expect(result.exitCode).not.toBe(0)
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))('managing key named %s, renewed on classic', async (_, payload) => {
    await withBox('classic', async (box) => {
      box.capgo.managingKey.name = payload
      const result = await run(box, { 'managing-key-secret': 'CAPGO_ADMIN_KEY' })
      expect(problems(box, result)).toEqual([])
    })
  })

  it.each(Object.entries(PAYLOADS))(
    'current Capgo: regenerated key with admin rights, warning names it, %s',
    async (_, payload) => {
      await withBox('current', async (box) => {
        // The key to regenerate is found by key-name; give it that name but hostile scope data.
        box.capgo.addKey({
          name: 'github-actions:octo/app:CAPGO_TOKEN',
          global_permissions: ['org.create'],
          role: 'org_admin',
        })
        box.capgo.fault(
          'GET',
          /^\/apikey\/?$/,
          [
            200,
            [...box.capgo.keys.values()].map((k) => ({
              id: k.id,
              name: k.name,
              rbac_id: k.rbac_id,
              created_at: k.created_at,
              updated_at: k.updated_at,
              expires_at: k.expires_at,
              user_id: k.user_id,
              is_hashed_key: false,
              global_permissions: k.name.startsWith('github-actions') ? ['org.create', payload] : [],
            })),
          ],
          { every: true },
        )
        const result = await run(box)
        expect(problems(box, result)).toEqual([])
      })
    },
  )
})
