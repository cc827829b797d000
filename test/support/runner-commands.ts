// What the GitHub runner would read as workflow commands in a step's output
// (docs/github-secrets.md, "What the runner makes of a step's output"), a little stricter than
// the runner: ignorable characters are dropped first (its comparisons are culture-aware), and any
// name counts, registered or not.

export interface SeenCommand {
  readonly name: string
  readonly data: string
  readonly line: string
}

const IGNORABLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu

/** The runner's lines: ends at \r\n, \n or a lone \r. */
export function runnerLines(output: string): string[] {
  return output.split(/\r\n|\n|\r/)
}

/** The command a line would issue, if any (both the `::name::` and the legacy `##[name]` forms). */
export function commandIn(line: string): SeenCommand | undefined {
  const bare = line.replace(IGNORABLE, '')
  const trimmed = bare.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    const info = end < 0 ? trimmed.slice(2) : trimmed.slice(2, end)
    return { name: info.split(' ')[0] ?? '', data: end < 0 ? '' : trimmed.slice(end + 2), line }
  }
  const legacy = bare.indexOf('##[')
  if (legacy >= 0) {
    const close = bare.indexOf(']', legacy)
    const info = close < 0 ? bare.slice(legacy + 3) : bare.slice(legacy + 3, close)
    return { name: info.split(' ')[0] ?? '', data: close < 0 ? '' : bare.slice(close + 1), line }
  }
  return undefined
}

/** Every command in an output, in order. */
export function commandsIn(output: string): SeenCommand[] {
  return runnerLines(output).flatMap((line) => {
    const command = commandIn(line)
    return command ? [command] : []
  })
}

/** The runner's decoding of a command's data (core escapes %, CR and LF). */
export function decodeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * True when a line of the text holds a command form anywhere: what made-safe text must never
 * hold. Line by line, as the runner reads (a decoded multi-line annotation is many lines).
 */
export function holdsCommandForm(text: string): boolean {
  return runnerLines(text).some((line) => {
    const bare = line.replace(IGNORABLE, '')
    return bare.includes('::') || bare.includes('##[')
  })
}
