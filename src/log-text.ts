// The one place where text from servers and inputs is made safe before it is shown. The runner
// reads every line of a step's output as a possible workflow command (docs/github-secrets.md,
// "What the runner makes of a step's output"): a line that starts with `::` after trimming, or
// holds `##[` anywhere, may end or stop command processing, forge an annotation, or turn a later
// ::add-mask:: into plain text. Text made safe here is one line without either form, and stays
// readable. Redact secrets BEFORE calling these: a secret changed by them no longer matches its mask.

// Every line terminator the runner splits on (\r\n, \n, lone \r), and those other tools and
// viewers treat as one: VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g

// Control and invisible characters. The runner compares with .NET's culture-aware StartsWith and
// IndexOf, which skip ignorable characters: ":\u00AD:" would count as "::". So they go first, and
// only then are the command forms neutralised.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu

// Lone surrogates cannot be encoded; the log would show U+FFFD anyway.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Shown where a line break was, so that a one-line rendering still shows the lines apart. */
export const LINE_BREAK_MARK = ' ⏎ '

/**
 * One safe line: line breaks shown as ⏎, control and invisible characters removed, `::` written
 * `: :` and `##[` written `# #[`, so that no command form survives anywhere in it. With
 * `maxLength`, cut to that many characters (code points), ending with `…`.
 */
export function safeText(text: string, maxLength?: number): string {
  const oneLine = String(text)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(LINE_BREAK, LINE_BREAK_MARK)
    .replace(/\t/g, ' ')
  const neutral = oneLine
    .replace(INVISIBLE, '')
    .replace(/:(?=:)/g, ': ')
    .replace(/#(?=#\[)/g, '# ')
  return maxLength === undefined ? neutral : truncate(neutral, maxLength)
}

/** Each line of a message we built, made safe on its own: a multi-line list stays a list. */
export function safeLines(text: string): string[] {
  return String(text)
    .replace(LONE_SURROGATE, '\uFFFD')
    .split(LINE_BREAK)
    .map((line) => safeText(line))
}

function truncate(text: string, maxLength: number): string {
  const chars = Array.from(text)
  if (chars.length <= maxLength) return text
  return `${chars.slice(0, Math.max(0, maxLength - 1)).join('')}…`
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * For the job summary, which GitHub renders as Markdown with raw HTML allowed: the text shows as
 * text, tags and entities included. Control characters other than tab and newline are dropped.
 */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/**
 * A URL input as a message may quote it: scheme, host and path only. Userinfo (a password), the
 * query and the fragment are never echoed, even when the text does not parse as a URL.
 */
export function urlForMessage(raw: string): string {
  let shown: string
  const url = URL.parse(raw)
  if (url && (url.protocol === 'https:' || url.protocol === 'http:')) {
    const hidden = url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== ''
    shown = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}${hidden ? '…' : ''}`
  } else {
    // Not an http(s) URL ("user:pw@host" parses with "user:" as its scheme), so userinfo cannot be
    // told from the rest, and a password may hold '/', '?' or '#': drop everything up to the
    // last @, then any query or fragment.
    const withoutUserinfo = raw.replace(
      /^([a-z][a-z0-9+.-]*:\/*)?.*@/is,
      (_, scheme: string | undefined) => `${scheme ?? ''}…@`,
    )
    const [beforeQuery = ''] = withoutUserinfo.split(/[?#]/, 1)
    shown = `${beforeQuery}${beforeQuery === withoutUserinfo ? '' : '…'}`
  }
  return safeText(shown, 120)
}
