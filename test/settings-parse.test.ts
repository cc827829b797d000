import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkEnvironmentName,
  checkGitHubName,
  parseBaseUrl,
  parseBoolean,
  parseList,
  parseWholeNumber,
} from '../src/settings/parse.js'

// The parsers every settings reader shares (src/settings/parse.ts), at their edges. Each collects
// problems instead of throwing; the readers built on them are tested in settings.test.ts.

/** Runs a parser that pushes problems; returns its value and what it pushed. */
function collect<T>(parse: (problems: string[]) => T): { value: T; problems: string[] } {
  const problems: string[] = []
  const value = parse(problems)
  return { value, problems }
}

describe('parseList', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' a , b ', ['a', 'b']],
    ['a\nb', ['a', 'b']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['a,,b,\n,\n', ['a', 'b']],
    [',\n , \n', []],
    ['\ta b\t', ['a b']],
    ['a;b', ['a;b']],
    ['a, a', ['a', 'a']],
    ['\u00a0x\u3000', ['x']],
  ])('%j → %j', (value, expected) => {
    expect(parseList(value)).toEqual(expected)
  })

  it('never yields a blank, untrimmed or separator-holding item, whatever the text', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '\n', '\r', ' ', '\t', '\u00a0', '\u2028', 'é', '/'),
      maxLength: 60,
    })
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (value) => {
        for (const item of parseList(value)) {
          expect(item).not.toBe('')
          expect(item).toBe(item.trim())
          expect(item).not.toMatch(/[,\n]/)
        }
      }),
    )
  })

  it('keeps every non-blank item, in order: listing the items again parses to the same list', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(',', '\n', ', ', ' ,\n '), (value, separator) => {
        const items = parseList(value)
        expect(parseList(items.join(separator))).toEqual(items)
        // Nothing but separators and whitespace is dropped.
        expect(items.join('').replace(/\s/gu, '')).toBe(value.replace(/[,\n\s]/gu, ''))
      }),
    )
  })
})

describe('parseWholeNumber', () => {
  const parse = (raw: string, min = 0, max = 100) => collect((p) => parseWholeNumber('keep-previous', raw, min, max, p))

  it.each([
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['100', 100],
  ])('accepts %j as %d', (raw, expected) => {
    expect(parse(raw)).toEqual({ value: expected, problems: [] })
  })

  it('takes an unset input as undefined, with no problem (the reader applies its default)', () => {
    expect(parse('')).toEqual({ value: undefined, problems: [] })
  })

  it.each([
    '-1',
    '+1',
    '1.0',
    '1.5',
    '1e2',
    '0x10',
    '0b1',
    ' 1',
    '1 ',
    '1_000',
    '1,000',
    'Infinity',
    'NaN',
    '١',
    '１',
    '101',
    'one',
  ])('refuses %j, quoting it and the range', (raw) => {
    const { value, problems } = parse(raw)
    expect(value).toBeUndefined()
    expect(problems).toEqual([`keep-previous: '${raw}' is not a whole number from 0 to 100`])
  })

  it('holds the bounds inclusive', () => {
    expect(parse('1', 1, 365).value).toBe(1)
    expect(parse('365', 1, 365).value).toBe(365)
    expect(parse('0', 1, 365).problems).toEqual(["keep-previous: '0' is not a whole number from 1 to 365"])
    expect(parse('366', 1, 365).problems).toHaveLength(1)
  })

  it('refuses a number past the safe integers, even with no upper bound', () => {
    const { value, problems } = parse('9007199254740993', 1, Number.MAX_SAFE_INTEGER)
    expect(value).toBeUndefined()
    expect(problems).toEqual(["keep-previous: '9007199254740993' is not a whole number of at least 1"])
    expect(parse(String(Number.MAX_SAFE_INTEGER), 1, Number.MAX_SAFE_INTEGER).value).toBe(Number.MAX_SAFE_INTEGER)
    // Past 2^53 digits no longer name one number: refused even under an unbounded maximum.
    expect(parse('9007199254740993', 1, Number.POSITIVE_INFINITY).value).toBeUndefined()
  })

  it('accepts exactly the decimal digit strings in range', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.nat(1000), (raw, max) => {
        const { value, problems } = parse(raw, 0, max)
        if (raw === '') return
        const expected = /^[0-9]+$/.test(raw) && Number(raw) <= max ? Number(raw) : undefined
        expect(value).toBe(expected)
        expect(problems).toHaveLength(expected === undefined ? 1 : 0)
      }),
    )
  })
})

describe('parseBoolean', () => {
  const parse = (raw: string, fallback = false) => collect((p) => parseBoolean('dry-run', raw, fallback, p))

  it.each(['true', 'True', 'TRUE'])('%j is true', (raw) => {
    expect(parse(raw)).toEqual({ value: true, problems: [] })
  })

  it.each(['false', 'False', 'FALSE'])('%j is false', (raw) => {
    expect(parse(raw, true)).toEqual({ value: false, problems: [] })
  })

  it('takes an unset input as the fallback', () => {
    expect(parse('', true)).toEqual({ value: true, problems: [] })
    expect(parse('', false)).toEqual({ value: false, problems: [] })
  })

  // YAML 1.1 booleans, numbers and mixed case are not booleans to core.getBooleanInput either.
  it.each(['yes', 'no', 'on', 'off', 'y', '1', '0', 'tRUE', 'fALSE', 'true ', ' false', 'truee', '"true"'])(
    'refuses %j and keeps the fallback',
    (raw) => {
      expect(parse(raw, true)).toEqual({
        value: true,
        problems: [`dry-run: '${raw}' is not a boolean: use true or false`],
      })
    },
  )
})

describe('parseBaseUrl', () => {
  const parse = (raw: string) => collect((p) => parseBaseUrl('capgo-api-url', raw, p))

  it.each([
    ['https://api.capgo.app', 'https://api.capgo.app'],
    ['https://api.capgo.app/', 'https://api.capgo.app'],
    ['https://api.capgo.app///', 'https://api.capgo.app'],
    ['https://example.com/capgo/', 'https://example.com/capgo'],
    ['https://example.com/a/../capgo', 'https://example.com/capgo'],
    ['HTTPS://API.Capgo.APP/Path', 'https://api.capgo.app/Path'],
    ['https://example.com:443/', 'https://example.com'],
    ['https://example.com:8443', 'https://example.com:8443'],
    ['https://example.com?', 'https://example.com'],
    ['http://localhost:54321', 'http://localhost:54321'],
    ['http://127.0.0.1:8080/functions/v1/', 'http://127.0.0.1:8080/functions/v1'],
    ['http://127.255.255.254', 'http://127.255.255.254'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://[0:0:0:0:0:0:0:1]', 'http://[::1]'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(parse(raw)).toEqual({ value: expected, problems: [] })
  })

  it.each([
    'http://api.capgo.app',
    'http://localhost.example.com',
    'http://127.0.0.1.example.com',
    'http://128.0.0.1',
    'http://10.0.0.1',
    'http://[::2]',
    'http://0.0.0.0',
    'ftp://example.com',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ws://localhost',
  ])('refuses %j: https only, http for loopback', (raw) => {
    const { problems } = parse(raw)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^capgo-api-url: '.*' must use https:\/\/ \(http:\/\/ is allowed only for localhost/)
  })

  it.each(['', 'api.capgo.app', '//api.capgo.app', 'https://', 'https://exa mple.com', 'https://[::1', 'not a url'])(
    'refuses %j as no URL',
    (raw) => {
      const { value, problems } = parse(raw)
      expect(value).toBe(raw)
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^capgo-api-url: '.*' is not a URL: use the form https:\/\/host\[\/path\]$/)
    },
  )

  it.each([
    ['https://user:hunter2secret@example.com', 'hunter2secret'],
    ['https://tok3nvalue@example.com', 'tok3nvalue'],
    ['https://example.com/?token=s3cretquery', 's3cretquery'],
    ['https://example.com/#s3cretfragment', 's3cretfragment'],
    ['http://user:hunter2secret@example.com', 'hunter2secret'],
  ])('refuses credentials, a query or a fragment in %j without quoting them', (raw, secret) => {
    const { value, problems } = parse(raw)
    expect(problems.some((p) => p.includes('must not carry credentials, a query or a fragment'))).toBe(true)
    expect(problems.join('\n')).not.toContain(secret)
    // The value returned (used only when there is no problem) carries none of them either.
    expect(value).not.toContain(secret)
  })

  it.each([
    'https://user:hunter2secret@exa mple.com/?q=s3cretquery',
    'user:hunter2secret@example.com/?q=s3cretquery',
    'hunter2secret@example.com#s3cretquery',
  ])('never quotes userinfo, query or fragment of %j', (raw) => {
    const { problems } = parse(raw)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.join('\n')).not.toContain('hunter2secret')
    expect(problems.join('\n')).not.toContain('s3cretquery')
  })

  it('returns an origin and path only, never userinfo, query or fragment', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (raw) => {
        const { value } = parse(raw)
        const url = new URL(value)
        expect(url.username + url.password + url.search + url.hash).toBe('')
        expect(value).not.toMatch(/\/$/)
      }),
    )
  })
})

describe('checkGitHubName', () => {
  const check = (value: string) =>
    collect((p) => checkGitHubName('secret-name', value, 'secret', 'a prefix GitHub reserves for its own secrets', p))
      .problems

  it.each(['CAPGO_TOKEN', 'capgo_token', '_X', 'A1', 'a', 'GITHUBX', 'MY_GITHUB_TOKEN'])('accepts %j', (value) => {
    expect(check(value)).toEqual([])
  })

  it.each(['1TOKEN', 'CAPGO-TOKEN', 'CAPGO TOKEN', '', 'TOKÉN', 'TOKEN\n', 'A.B', 'A$B', 'Ａ'])(
    'refuses %j as not a name',
    (value) => {
      expect(check(value)).toEqual([
        `secret-name: '${value}' is not a valid secret name: use letters, digits and underscores, not starting with a digit (no '-' or spaces)`,
      ])
    },
  )

  it.each(['GITHUB_TOKEN', 'github_x', 'GitHub_', 'GITHUB_'])('refuses %j, which starts with GITHUB_', (value) => {
    expect(check(value)).toEqual([
      `secret-name: '${value}' starts with GITHUB_, a prefix GitHub reserves for its own secrets`,
    ])
  })
})

describe('checkEnvironmentName', () => {
  const check = (value: string) => collect((p) => checkEnvironmentName('environment', value, p)).problems

  it.each(['production', 'staging / eu', 'prod.v2', '...', '.x', 'é環境', 'a'.repeat(255)])('accepts %j', (value) => {
    expect(check(value)).toEqual([])
  })

  it.each(['.', '..'])('refuses %j: a URL path drops it as a dot segment', (value) => {
    expect(check(value)).toEqual([
      `environment: '${value}' cannot be addressed through GitHub's REST API (a URL path drops it): name an environment of the repository`,
    ])
  })

  it.each([
    'prod\n::warning::x',
    'prod\r',
    'pro\u0000d',
    'prod\u001b[31m',
    'prod\u0085',
    'pro\u200bd',
    'prod\u202e',
    'prod\u2028',
    'prod\u2029',
    '\ufeffprod',
  ])('refuses %j, which holds a control or invisible character, without quoting it', (value) => {
    expect(check(value)).toEqual([
      'environment: the name holds control or invisible characters: name an environment of the repository',
    ])
  })

  it('refuses a name over 255 characters, quoting only its start', () => {
    const problems = check(`${'a'.repeat(40)}${'b'.repeat(216)}`)
    expect(problems).toEqual([`environment: '${'a'.repeat(40)}…' is longer than GitHub's 255 characters`])
  })
})
