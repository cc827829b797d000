import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Sandbox } from '../sandbox/sandbox.js'
import { run, sandbox, useLoopback } from './harness.js'

useLoopback()

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

function state(box: Sandbox): string[] {
  const problems: string[] = []
  const value = box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  if (!box.capgo.isAlive(value)) problems.push('CAPGO_TOKEN holds a dead key')
  return problems
}

describe('overlapping runs', () => {
  it.each(['classic', 'current'] as const)('%s: three runs at once, then a re-run converges', async (generation) => {
    const box = await sandbox(generation)
    try {
      const first = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', first.key)
      box.github.latencyMs = 30
      const results = await Promise.all([run(box), run(box), run(box)])
      const exits = results.map((r) => r.exitCode)
      console.log(
        generation,
        exits,
        results.map((r) => r.error?.slice(0, 120)),
      )
      expect(exits.filter((e) => e === 0).length).toBeGreaterThanOrEqual(1)
      expect(state(box)).toEqual([])
      box.github.latencyMs = 0
      const again = await run(box)
      expect(again.exitCode).toBe(0)
      expect(state(box)).toEqual([])
      expect(box.capgo.named(NAME)).toHaveLength(1)
    } finally {
      await box.close()
    }
  })

  it('current, lease not permitted (unguarded): two runs at once never leave a dead key with both passing', async () => {
    const box = await sandbox('current')
    try {
      const first = box.capgo.addKey({ name: NAME })
      box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', first.key)
      box.github.fault(
        'POST',
        /\/actions\/variables$/,
        [403, { message: 'Resource not accessible by personal access token' }],
        {
          every: true,
        },
      )
      box.github.fault(
        'GET',
        /\/actions\/variables\/CAPGO_ROTATION_LEASE_/,
        [403, { message: 'Resource not accessible by personal access token' }],
        { every: true },
      )
      box.github.latencyMs = 40
      const results = await Promise.all([run(box), run(box)])
      const exits = results.map((r) => r.exitCode)
      console.log(
        exits,
        results.map((r) => r.error?.slice(0, 160)),
      )
      const dead = state(box)
      // Documented: at worst one run fails. A dead secret with every run passing breaks the contract.
      if (exits.every((e) => e === 0)) expect(dead).toEqual([])
    } finally {
      await box.close()
    }
  })
})

/** A second origin on loopback, recording what reaches it. */
async function evilOrigin(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const seen: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

describe('redirects to another origin', () => {
  it.each([301, 302, 303, 307, 308])(
    'Capgo list and GitHub public key answer %i: no credential reaches the other origin',
    async (status) => {
      const box = await sandbox('classic')
      const evil = await evilOrigin()
      try {
        box.capgo.fault('GET', /^\/apikey\/?$/, [status, '', { location: `${evil.url}/apikey/` }], { every: true })
        box.github.fault(
          'GET',
          /public-key$/,
          [status, '', { location: `${evil.url}/repos/octo/app/actions/secrets/public-key` }],
          {
            every: true,
          },
        )
        await run(box)
        const leaked = evil.seen.filter(
          (h) => JSON.stringify(h).includes(box.capgo.managingKey.key) || JSON.stringify(h).includes(box.token),
        )
        expect(leaked).toEqual([])
      } finally {
        await box.close()
        await evil.close()
      }
    },
  )

  it('capgo-api-url with credentials in it, or a different origin spelled as loopback', async () => {
    const box = await sandbox('classic')
    try {
      for (const url of [
        `http://user:pass@127.0.0.1:${new URL(box.capgo.baseUrl).port}`,
        'http://localhost.example.com:1',
        'http://127.0.0.1.nip.io:1',
        'http://2130706433:1',
        'ftp://127.0.0.1:1',
        'javascript:alert(1)',
      ]) {
        const before = box.capgo.requests.length + box.github.requests.length
        const result = await run(box, { 'capgo-api-url': url })
        const sent = box.capgo.requests.length + box.github.requests.length - before
        console.log(url, result.exitCode, sent, /REVIEW-GUARD-BLOCKED/.test(result.stderr), result.error?.slice(0, 100))
        expect(/REVIEW-GUARD-BLOCKED/.test(result.stderr)).toBe(false)
      }
    } finally {
      await box.close()
    }
  })
})

describe('bad inputs are refused before any request', () => {
  const BAD: Array<Record<string, string>> = [
    { 'expires-in-days': '0' },
    { 'expires-in-days': '366' },
    { 'expires-in-days': '30.5' },
    { 'expires-in-days': '1e1' },
    { 'expires-in-days': '٣' }, // Arabic-Indic digit three
    { 'rotate-after-days': '7', 'expires-in-days': '7' },
    { 'keep-previous': '-1' },
    { 'previous-key-id': '99999999999999999999' },
    { 'previous-key-id': '0' },
    { 'key-mode': 'admin' },
    { 'secret-name': 'github_token' },
    { 'secret-name': 'capgo_rotation_lease_x' },
    { 'secret-name': 'CAPGO TOKEN' },
    { 'key-id-variable': 'capgo_rotation_lease_x' },
    { 'key-id-variable': 'a-b' },
    { repositories: 'octo/app/extra' },
    { repositories: '../app' },
    { repositories: 'octo/..' },
    { repositories: 'octo/app?x=1' },
    { repositories: 'octo/app#x' },
    { environment: 'prod', 'secret-types': 'dependabot' },
    { organization: 'octo/evil' },
    { organization: 'octo', 'org-visibility': 'public', 'key-name': 'k' },
    { organization: 'octo', 'org-selected-repositories': 'app', 'key-name': 'k' },
    { 'secret-types': 'codespaces' },
    { 'dry-run': 'yes please' },
    { 'managing-key-secret': 'CAPGO_TOKEN' },
    { 'managing-key-environment': 'prod' },
    { 'github-api-url': 'http://127.0.0.1:1/api/v3?x=1#y' },
    { 'key-name': 'k'.repeat(5000) },
    { 'key-name': 'a\rb' }, // control characters in a name sent to Capgo and printed
    { 'limited-to-apps': 'com.example.app,<script>' },
  ]
  it.each(BAD)('%o', async (extra) => {
    const box = await sandbox('classic')
    try {
      const result = await run(box, extra)
      const sent = [...box.capgo.requests, ...box.github.requests].map((r) => `${r.method} ${r.path}`)
      console.log(
        JSON.stringify(extra).slice(0, 60),
        result.exitCode,
        sent.join(' | ').slice(0, 400),
        JSON.stringify(result.error?.slice(0, 140)),
      )
      expect({ exit: result.exitCode === 0 ? 0 : 1, sent }).toEqual({ exit: 1, sent: [] })
    } finally {
      await box.close()
    }
  })
})
