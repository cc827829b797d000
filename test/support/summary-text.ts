import { marked } from 'marked'

// The job summary as GitHub shows it: rendered as GitHub-flavoured Markdown (marked), then, for
// assertions on wording, as the text a reader sees (tags dropped, entities decoded, spaces folded).

export function summaryHtml(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}

export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
    return named[entity.toLowerCase()] ?? whole
  })
}

export function summaryText(markdown: string): string {
  // Newlines in HTML are spaces; lines come from line breaks, paragraphs, items and table rows.
  const html = summaryHtml(markdown)
    .replace(/\n/g, ' ')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<\/(td|th)>/g, ' | ')
    .replace(/<\/(p|li|tr|h\d)>/g, '\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(html)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n')
}
