import { describe, expect, it } from 'vitest'
import { explainGitHubError } from '../src/github-errors.js'

// A rate-limited run fails with the time to try again (README, "GitHub rate limits"), from the
// answer's own headers, and only when they name a sane one.

const context = { doing: 'writing octo/app', subject: 'repository octo/app', permission: 'Secrets: write' }
const secondary = (headers: Record<string, string>) =>
  Object.assign(new Error('x'), {
    status: 403,
    response: { headers, data: { message: 'You have exceeded a secondary rate limit.' } },
  })

describe('a secondary rate limit that outlasted the allowed waits', () => {
  it.each([
    [
      { 'retry-after': '600', date: 'Sat, 28 Nov 2026 05:00:00 GMT' },
      'run again after 2026-11-28T05:10:00.000Z (GitHub asked for 600 s)',
    ],
    [{ 'retry-after': '99999', date: 'Sat, 28 Nov 2026 05:00:00 GMT' }, 'run again in a few minutes'],
    [{ 'retry-after': '-5' }, 'run again in a few minutes'],
    [{ 'retry-after': 'soon' }, 'run again in a few minutes'],
    [{}, 'run again in a few minutes'],
  ])('%j: %s', (headers, advice) => {
    const text = explainGitHubError(context, secondary(headers))
    expect(text).toContain("GitHub's secondary rate limit stopped the run after the allowed waits")
    expect(text).toContain(advice)
  })

  it('a used-up primary limit names its reset', () => {
    const failure = Object.assign(new Error('x'), {
      status: 403,
      response: {
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795500000' },
        data: { message: 'API rate limit exceeded' },
      },
    })
    expect(explainGitHubError(context, failure)).toContain(
      `rate limit is used up until ${new Date(1795500000 * 1000).toISOString()}: run again after that.`,
    )
  })
})
