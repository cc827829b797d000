// The job summary is GitHub-flavoured Markdown, rendered with raw HTML allowed. Text from outside
// (inputs, Capgo, GitHub, error messages) reaches it only through escapeText(), by way of the `md`
// template tag: every interpolated string is escaped, and only Markdown built here passes as is.
import { redact } from './secrets.js'

/** Markdown built by this module from escaped text and our own markup. */
export class Markdown {
  constructor(readonly source: string) {}
  toString(): string {
    return this.source
  }
}

type Value = Markdown | string | number

// Characters that would make text act as HTML, break a table, pair with our own markup, start a
// link, an image, a code span, math or an autolink (`https:`, `www.`, `user@host`).
const SPECIAL = /[&<>"'\\`|*_~[\]!#$:@]/g
// Bidirectional and other control characters could make a name display as something else.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * The one escaping function: any string becomes inert inline Markdown text that renders exactly
 * as written (newlines become line breaks), wherever it is placed: a paragraph, a list item, a
 * table cell, a link label or an HTML element's content. Known credentials become `***` first.
 */
export function escapeText(text: string): string {
  // Credentials go first, before escaping could change how they are spelled.
  return redact(text)
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '\ufffd')
    .split('\n')
    .map((line) =>
      line
        .replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`)
        .replace(/www\./gi, (w) => `${w.slice(0, 3)}&#46;`)
        // A line that starts like a list item or a numbered item would become one.
        .replace(/^(\s*)([-+])/, (_, space: string, c: string) => `${space}&#${c.charCodeAt(0)};`)
        .replace(/^(\s*\d+)([.)])/, (_, digits: string, c: string) => `${digits}&#${c.charCodeAt(0)};`),
    )
    .join('<br>')
}

/** A template tag: literal parts are our Markdown, interpolated strings and numbers are escaped. */
export function md(strings: TemplateStringsArray, ...values: Value[]): Markdown {
  let out = strings[0] ?? ''
  values.forEach((value, index) => {
    out += value instanceof Markdown ? value.source : escapeText(String(value))
    out += strings[index + 1] ?? ''
  })
  return new Markdown(out)
}

export function joinMd(parts: readonly Value[], separator: string): Markdown {
  return new Markdown(
    parts.map((part) => (part instanceof Markdown ? part.source : escapeText(String(part)))).join(separator),
  )
}

/** A link to a page we built the address of; the label is escaped. No address, no link. */
export function link(label: Value, url: string | undefined): Markdown {
  const text = label instanceof Markdown ? label : md`${label}`
  // Our URLs are an origin and encoded path segments; anything else is not linked.
  if (url === undefined || !/^https?:\/\/[A-Za-z0-9.:[\]%/_~-]+$/.test(url)) return text
  return new Markdown(`[${text.source}](${url})`)
}

/** Inline code look for names, without a code span (code spans would show the escapes). */
export function code(text: string): Markdown {
  return md`<code>${text}</code>`
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly Markdown[]>): Markdown {
  const line = (cells: readonly Value[]) => `| ${joinMd(cells, ' | ').source} |`
  return new Markdown([line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n'))
}

export function list(items: readonly Markdown[]): Markdown {
  return new Markdown(items.map((item) => `- ${item.source}`).join('\n'))
}
