import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { escapeHtml, LINE_BREAK_MARK, safeLines, safeText, urlForMessage } from '../src/log-text.js'
import { createLogger } from '../src/logger.js'
import { forgetSecrets, redact, registerSecret } from '../src/secrets.js'
import { commandsIn, decodeData, holdsCommandForm, runnerLines } from './support/runner-commands.js'

// The sanitiser is what stands between server text and the runner's command parser: checked on
// arbitrary strings, and on strings built from the pieces attacks are made of.

const PIECES = [
  '::',
  ':',
  '##[',
  '#',
  '[',
  ']',
  '%',
  '%0A',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\v',
  '\f',
  '\t',
  ' ',
  '\u00AD',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u202E',
  '\u2066',
  '\uFE0F',
  '\u034F',
  '\u0000',
  '\u001B[31m',
  '\u007F',
  '\u009B',
  '\uD800',
  '\uDC00',
  'stop-commands',
  'add-mask',
  'error',
  'warning',
  'x9',
  '::stop-commands::x9',
  '##[stop-commands]x9',
]

/** Strings made of attack pieces and arbitrary text, full Unicode included. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(...PIECES),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''))
const anyText = fc.oneof(hostile, fc.string({ unit: 'binary' }))

const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]/
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u

/** The letters and digits of a text, in order: what must still be readable after it is made safe. */
function words(text: string): string {
  return Array.from(text)
    .filter((c) => /[\p{L}\p{N}]/u.test(c) && !CONTROL_OR_INVISIBLE.test(c))
    .join('')
}

function assertSafeLine(line: string): void {
  expect(line).not.toMatch(LINE_BREAKS)
  expect(line).not.toMatch(CONTROL_OR_INVISIBLE)
  expect(holdsCommandForm(line)).toBe(false)
  expect(line.trimStart().startsWith('::')).toBe(false)
  expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
}

describe('safeText', () => {
  it('makes any string one line with no command form, control or invisible character', () => {
    fc.assert(
      fc.property(anyText, (text) => assertSafeLine(safeText(text))),
      { numRuns: 2000 },
    )
  })

  it('still names the text: every letter and digit is kept, in order', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(words(safeText(text))).toBe(words(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('is stable: safe text stays as it is', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(safeText(safeText(text))).toBe(safeText(text))
      }),
      { numRuns: 1000 },
    )
  })

  it('cuts to the length asked for, without splitting a character', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 50 }), (text, max) => {
        const out = safeText(text, max)
        assertSafeLine(out)
        expect(Array.from(out).length).toBeLessThanOrEqual(max)
        if (Array.from(safeText(text)).length > max) expect(out.endsWith('…')).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('neutralises the reproduced attacks and keeps them readable', () => {
    expect(safeText('bad key\n::stop-commands::x9')).toBe(`bad key${LINE_BREAK_MARK}: :stop-commands: :x9`)
    expect(safeText('<html>##[stop-commands]x9</html>')).toBe('<html># #[stop-commands]x9</html>')
    expect(safeText('rotation::error::forged')).toBe('rotation: :error: :forged')
    expect(safeText('a\r::add-mask::b')).toBe(`a${LINE_BREAK_MARK}: :add-mask: :b`)
    expect(safeText('x\u2028::warning::y\u0085z')).toBe(`x${LINE_BREAK_MARK}: :warning: :y${LINE_BREAK_MARK}z`)
    // Ignorable characters would hide "::" from a naive check; they go before the check.
    expect(safeText(':\u00AD:error:\u200B:x')).toBe(': :error: :x')
    expect(safeText('#\uFEFF#[error]')).toBe('# #[error]')
    expect(safeText(':::')).toBe(': : :')
    expect(safeText('###[')).toBe('## #[')
    expect(safeText('\u001B[31mred\u001B[0m')).toBe('[31mred[0m')
  })
})

describe('safeLines', () => {
  it('keeps our own lines apart, each one safe', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 5 }), (parts) => {
        const lines = safeLines(parts.join('\n'))
        expect(lines.length).toBeGreaterThanOrEqual(parts.length)
        for (const line of lines) assertSafeLine(line)
      }),
    )
    expect(safeLines('Invalid inputs:\n  - a::b\r\n  - c')).toEqual(['Invalid inputs:', '  - a: :b', '  - c'])
  })
})

describe('the logger over @actions/core', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    forgetSecrets()
    process.exitCode = undefined
  })

  function capture(act: () => void): string {
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk)
      return true
    })
    act()
    vi.restoreAllMocks()
    return out
  }

  const levels = ['info', 'notice', 'warning', 'debug', 'error', 'setFailed'] as const
  const issued: Record<(typeof levels)[number], string | undefined> = {
    info: undefined,
    notice: 'notice',
    warning: 'warning',
    debug: 'debug',
    error: 'error',
    setFailed: 'error',
  }

  it('issues exactly the command of the level asked for, whatever the message holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...levels), hostile, (level, message) => {
        const out = capture(() => createLogger()[level](`Capgo said: ${message}`))
        const commands = commandsIn(out)
        const expected = issued[level]
        expect(commands.map((c) => c.name)).toEqual(expected ? [expected] : [])
        // Inside the one command, the data holds no command form either.
        for (const command of commands) expect(holdsCommandForm(decodeData(command.data))).toBe(false)
        expect(words(expected ? decodeData(out) : out)).toContain(words(message))
      }),
      { numRuns: 1500 },
    )
  })

  it('writes a multi-line info message as several plain lines', () => {
    const out = capture(() => createLogger().info('Dry run:\n  - write octo/app\n::stop-commands::x9'))
    expect(runnerLines(out)).toEqual(['Dry run:', '  - write octo/app', ': :stop-commands: :x9', ''])
    expect(commandsIn(out)).toEqual([])
  })

  it('keeps a multi-line failure one annotation', () => {
    const out = capture(() => createLogger().setFailed('Invalid inputs:\n  - one\n  - ##[stop-commands]x9'))
    const [command, ...rest] = commandsIn(out)
    expect(rest).toEqual([])
    expect(command!.name).toBe('error')
    expect(decodeData(command!.data)).toBe('Invalid inputs:\n  - one\n  - # #[stop-commands]x9')
  })

  it('redacts before making safe, so a secret holding a command form is still hidden', () => {
    const secret = 'k3y::with\nnewline-and-more'
    let masks = ''
    masks = capture(() => registerSecret(secret))
    const out = capture(() => createLogger().warning(`rotated to ${secret} and ${safeText(secret)}`))
    expect(out).not.toContain('with')
    expect(out).not.toContain('newline-and-more')
    expect(decodeData(commandsIn(out)[0]!.data)).toBe('rotated to *** and ***')
    // The runner is told every form the value may take in the log.
    const registered = commandsIn(masks)
      .filter((c) => c.name === 'add-mask')
      .map((c) => decodeData(c.data))
    expect(registered).toEqual(expect.arrayContaining([secret, safeText(secret), 'k3y::with', 'newline-and-more']))
  })
})

describe('secrets', () => {
  afterEach(() => forgetSecrets())

  it('redacts each line of a multi-line secret, and the whole first', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    registerSecret('ghp_first\nsecond_line')
    vi.restoreAllMocks()
    expect(redact('a ghp_first\nsecond_line b')).toBe('a *** b')
    expect(redact('a ghp_first second_line b')).toBe('a *** *** b')
  })
})

describe('escapeHtml', () => {
  it('leaves no tag, entity or attribute breakout', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const out = escapeHtml(text)
        expect(out).not.toMatch(/[<>"']/)
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&')
      }),
    )
    expect(escapeHtml('<img src=x onerror="alert(1)">&amp;')).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;',
    )
  })
})

describe('urlForMessage', () => {
  it('never echoes userinfo, query or fragment', () => {
    expect(urlForMessage('http://user:pw@capgo.example/api?token=t#f')).toBe('http://capgo.example/api…')
    expect(urlForMessage('https://user:p#w@host/x')).not.toContain('p#w')
    expect(urlForMessage('https://user:p/w@host/x')).toBe('https://…@host/x')
    expect(urlForMessage('not a url ?secret=1')).toBe('not a url …')
    expect(urlForMessage('https://api.capgo.app')).toBe('https://api.capgo.app')
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.string({ minLength: 6, unit: 'grapheme-ascii' }),
        (url, password) => {
          const withCredentials = url.replace('://', `://user:${encodeURIComponent(password)}@`)
          const shown = urlForMessage(withCredentials)
          expect(shown).not.toContain(`:${encodeURIComponent(password)}@`)
          expect(shown).not.toContain('?')
          expect(holdsCommandForm(shown)).toBe(false)
        },
      ),
    )
  })
})
