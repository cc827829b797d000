import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { run, sandbox, unmaskedLeaks, useLoopback } from '../review/harness.js'
import { startProxy } from '../review2/proxy.js'

useLoopback()

// An organization secret whose visibility is `selected` (and no org-visibility input): before the
// write, the action reads which repositories may see it, through Octokit's paginate(). paginate
// follows the answer's Link rel="next" as given, an absolute URL, and Octokit sends the token with
// every request. A Link to another origin (a GHES proxy's, a compromised or spoofed answer) took
// the token there. docs/contract.md: "Credentials go only to the origin they were given for."

const KEY_NAME = 'github-actions:org:my-org:CAPGO_TOKEN'

describe('pagination of an organization secret’s repositories', () => {
  it.each([
    ['another origin', (thief: string) => `${thief}/orgs/my-org/actions/secrets/CAPGO_TOKEN/repositories?page=2`],
    ['another host of the same scheme', (thief: string) => `${thief.replace('127.0.0.1', 'localhost')}/x?page=2`],
  ])(
    'a Link rel="next" to %s never gets the token',
    async (_, link) => {
      const box = await sandbox('classic')
      const seen: IncomingHttpHeaders[] = []
      const thief = createServer((req, res) => {
        seen.push(req.headers)
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ total_count: 1, repositories: [{ id: 999_999, name: 'evil' }] }))
      })
      await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve))
      const thiefUrl = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`
      const proxy = await startProxy(box.github.baseUrl)
      try {
        box.github.addOrg('my-org')
        const previous = box.capgo.addKey({ name: KEY_NAME })
        box.github.sealAndStore({ org: 'my-org' }, 'CAPGO_TOKEN', previous.key, {
          visibility: 'selected',
          selected_repository_ids: [5001],
        })
        proxy.hook = async (req, res, forward) => {
          if (!/\/secrets\/CAPGO_TOKEN\/repositories/.test(req.url ?? '')) return false
          const answer = await forward()
          res.writeHead(answer.status, {
            'content-type': 'application/json',
            link: `<${link(thiefUrl)}>; rel="next"`,
          })
          res.end(answer.body)
          return true
        }
        const result = await run(box, {
          'github-api-url': proxy.url,
          organization: 'my-org',
          'key-name': KEY_NAME,
          strategy: 'create',
        })
        expect(seen.map((h) => h.authorization ?? '(none)')).toEqual([])
        // A refused page must not pass for a complete list (the write would change who can read the
        // secret): the run fails, the secret keeps its key and visibility, no orphan key is left.
        expect(result.exitCode).toBe(1)
        expect(result.error).toContain('another origin')
        const stored = box.github.stored({ org: 'my-org' }, 'CAPGO_TOKEN')
        expect(stored?.selected_repository_ids).toEqual([5001])
        expect(box.capgo.isAlive(box.github.decrypt({ org: 'my-org' }, 'CAPGO_TOKEN'))).toBe(true)
        expect(box.capgo.named(KEY_NAME)).toHaveLength(1)
        expect(unmaskedLeaks(result, [...box.capgo.allKeyValues(), box.token])).toEqual([])
      } finally {
        await proxy.close()
        await new Promise<void>((resolve) => thief.close(() => resolve()))
        await box.close()
      }
    },
    60_000,
  )
})
