import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GitHubClock } from '../src/github-clock.js'

// GitHub's clock from the Date headers of its answers (src/github-clock.ts): the window it keeps,
// and the headers it must not believe. A wrong window decides whether a write whose answer was
// lost landed (write-verification.ts judgeWrite), so a bad header must leave the clock unknown.

const DATE = 'Sun, 01 Mar 2026 12:00:00 GMT'
const AT = Date.parse('2026-03-01T12:00:00Z')

function clockAfter(...observations: [unknown, number, number][]): GitHubClock {
  const clock = new GitHubClock()
  for (const [date, sentAt, receivedAt] of observations) clock.observe(date, sentAt, receivedAt)
  return clock
}

describe('GitHubClock', () => {
  it('knows nothing before a Date header', () => {
    expect(new GitHubClock().at(0)).toBeUndefined()
  })

  it('bounds GitHub time by the round trip and the header truncated to whole seconds', () => {
    // Sent at local 1000, answered at local 1300: GitHub stamped the answer between 1000 and 1300
    // local, at a GitHub time in [DATE, DATE + 1 s).
    const clock = clockAfter([DATE, 1000, 1300])
    expect(clock.at(1300)).toEqual({ earliest: AT, latest: AT + 1000 + 300 })
    expect(clock.at(5000)).toEqual({ earliest: AT + 3700, latest: AT + 1000 + 4000 })
  })

  it('narrows the window with each answer that agrees', () => {
    const clock = clockAfter([DATE, 1000, 1300], ['Sun, 01 Mar 2026 12:00:01 GMT', 2000, 2100])
    // Low bounds AT - 1300 and AT + 1000 - 2100; high bounds AT + 1000 - 1000 and AT + 2000 - 2000.
    expect(clock.at(0)).toEqual({ earliest: AT - 1100, latest: AT })
  })

  it('ignores an answer that disagrees with the window so far (a stale cached Date)', () => {
    const clock = clockAfter([DATE, 1000, 1300], ['Sun, 01 Mar 2026 11:00:00 GMT', 2000, 2100])
    expect(clock.at(1300)).toEqual({ earliest: AT, latest: AT + 1300 })
    const ahead = clockAfter([DATE, 1000, 1300], ['Sun, 01 Mar 2026 13:00:00 GMT', 2000, 2100])
    expect(ahead.at(1300)).toEqual({ earliest: AT, latest: AT + 1300 })
  })

  it.each<[string, unknown]>([
    ['no header', undefined],
    ['null', null],
    ['a number', AT],
    ['a Date object', new Date(AT)],
    ['an array of dates', [DATE]],
    ['an empty string', ''],
    ['garbage', 'not a date'],
    ['a weekday alone', 'Sunday'],
    ['a bare number, which Date.parse takes as the year 2001', '1'],
    ['zero, which Date.parse takes as the year 2000', '0'],
    ['a word and a number, which Date.parse takes as 2001', 'x 1'],
    ['a bare year', '2026'],
    ['two dates joined (a repeated header)', `${DATE}, ${DATE}`],
    ['a date past the range of Date', 'Sat, 13 Sep 275760 00:00:01 GMT'],
    ['a date without a zone, read in the runner’s time zone', 'Sun Mar  1 12:00:00 2026'],
    ['an ISO date', '2026-03-01T12:00:00Z'],
    ['another zone than GMT', 'Sun, 01 Mar 2026 12:00:00 +0200'],
    ['a day that does not exist', 'Mon, 30 Feb 2026 12:00:00 GMT'],
    ['an hour that does not exist', 'Sun, 01 Mar 2026 25:00:00 GMT'],
    ['the wrong weekday', 'Mon, 01 Mar 2026 12:00:00 GMT'],
    ['a control character', `${DATE}\n`],
  ])('ignores %s', (_, header) => {
    const clock = clockAfter([header, 1000, 1300])
    expect(clock.at(1300)).toBeUndefined()
    // A good header later still sets it, unhindered by what came before.
    clock.observe(DATE, 1000, 1300)
    expect(clock.at(1300)).toEqual({ earliest: AT, latest: AT + 1300 })
  })

  it('takes the epoch itself as a date', () => {
    expect(clockAfter(['Thu, 01 Jan 1970 00:00:00 GMT', 0, 0]).at(0)).toEqual({ earliest: 0, latest: 1000 })
  })

  it('always holds the true GitHub time, however honest answers are delayed and stamped', () => {
    const answer = fc.record({
      sentAt: fc.integer({ min: 0, max: 1e9 }),
      before: fc.integer({ min: 0, max: 30_000 }),
      after: fc.integer({ min: 0, max: 30_000 }),
    })
    fc.assert(
      fc.property(
        // GitHub's clock minus the runner's: anything from years behind to years ahead.
        fc.integer({ min: -1e11, max: 1e11 }),
        fc.array(answer, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 2e9 }),
        (offset, answers, local) => {
          const clock = new GitHubClock()
          for (const { sentAt, before, after } of answers) {
            const stampedAt = sentAt + before
            const github = AT + stampedAt + offset
            const header = new Date(Math.floor(github / 1000) * 1000).toUTCString()
            clock.observe(header, sentAt, stampedAt + after)
          }
          const window = clock.at(local)
          expect(window).toBeDefined()
          expect(window!.earliest).toBeLessThanOrEqual(AT + local + offset)
          expect(window!.latest).toBeGreaterThan(AT + local + offset)
        },
      ),
    )
  })
})
