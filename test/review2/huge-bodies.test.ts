import { describe, expect, it } from 'vitest'
import type { Sandbox } from '../sandbox/sandbox.js'
import { run, sandbox, unmaskedLeaks, useLoopback } from '../review/harness.js'
import { startProxy } from './proxy.js'

useLoopback()

// A server (or a proxy before it) that answers with a body that never ends. Until the request
// timeout fires (20 s by default) the action kept reading: gigabytes of memory, and on a runner
// the job is killed mid-rotation (README: peak RSS under 120 MB). Whatever the step, the run must
// stay small, fail cleanly, and leave no orphan key and no dead secret.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'
const MB = 1024 * 1024

type Step = 'capgo list' | 'capgo create' | 'github public key' | 'github write'

function matches(step: Step, method: string, url: string): boolean {
  switch (step) {
    case 'capgo list':
      return method === 'GET'
    case 'capgo create':
      return method === 'POST'
    case 'github public key':
      return /public-key$/.test(url)
    case 'github write':
      return method === 'PUT' && /\/secrets\/CAPGO_TOKEN$/.test(url)
  }
}

function secretProblems(box: Sandbox): string[] {
  const value = box.github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')
  return box.capgo.isAlive(value) ? [] : ['CAPGO_TOKEN holds a dead key']
}

describe('an answer whose body never ends', () => {
  it.each<Step>(['capgo list', 'capgo create', 'github public key', 'github write'])(
    '%s: bounded memory, a clean failure or success, no orphan key',
    async (step) => {
      const box = await sandbox('classic')
      const onCapgo = step.startsWith('capgo')
      const proxy = await startProxy(onCapgo ? box.capgo.baseUrl : box.github.baseUrl)
      try {
        const previous = box.capgo.addKey({ name: NAME })
        box.github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_TOKEN', previous.key)
        // As the last rotation left it, days ago (a lost create's sweep proves it unchanged since).
        box.github.age(7)
        const chunk = Buffer.alloc(MB, 0x20)
        proxy.hook = async (req, res, forward) => {
          if (!matches(step, req.method ?? '', req.url ?? '')) return false
          const answer = await forward() // the request is carried out; only its answer floods
          res.writeHead(answer.status, { 'content-type': 'application/json' })
          res.write('[')
          // Up to 4 GiB, at the pace the client reads, until it hangs up.
          let closed = false
          let sent = 0
          res.once('close', () => (closed = true))
          const pump = () => {
            while (!closed && sent < 4096 && res.write(chunk)) sent++
            if (!closed && sent < 4096) res.once('drain', () => setImmediate(pump))
            else res.destroy()
          }
          pump()
          return true
        }
        const result = await run(
          box,
          { [onCapgo ? 'capgo-api-url' : 'github-api-url']: proxy.url, strategy: 'create' },
          { CAPGO_ROTATION_TIMEOUT_MS: '4000' },
        )
        console.log(
          step,
          result.exitCode,
          Math.round((result.peakRssBytes ?? 0) / MB),
          'MB',
          result.error?.slice(0, 160),
        )
        const problems = [...unmaskedLeaks(result, [...box.capgo.allKeyValues(), box.token]), ...secretProblems(box)]
        if (result.peakRssBytes !== undefined && result.peakRssBytes > 300 * MB)
          problems.push(`peak RSS ${Math.round(result.peakRssBytes / MB)} MB`)
        // The previous key, and the new one only where a target holds it.
        if (result.exitCode !== 0 && box.capgo.named(NAME).length > 1 && step !== 'github write')
          problems.push(`${box.capgo.named(NAME).length} keys named key-name after a failed run`)
        expect(problems).toEqual([])
      } finally {
        await proxy.close()
        await box.close()
      }
    },
    120_000,
  )
})
