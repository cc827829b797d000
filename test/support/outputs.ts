// Reading what an action run left behind, and checking it for credentials. Shared by the
// in-process runs, the bundle runs, the demo and the benchmark.

/** GITHUB_OUTPUT holds `name<<delimiter` blocks (docs/toolchain.md, trap 8). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!open) continue
    const [, name, delimiter] = open
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
    outputs[name!] = value.join('\n')
  }
  return outputs
}

export interface PrintedByRun {
  readonly log: string
  readonly stderr?: string
  readonly summary: string
  readonly outputs: Record<string, string>
}

/**
 * Where a credential shows up: the log (mask commands aside: the runner consumes them), stderr,
 * the summary, or any output but `key`. Returns one line per leak; empty when clean.
 */
export function findLeaks(run: PrintedByRun, secrets: readonly string[]): string[] {
  const log = run.log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places: Array<[string, string]> = [
    ['the log', log],
    ['stderr', run.stderr ?? ''],
    ['the job summary', run.summary],
    ...Object.entries(run.outputs)
      .filter(([name]) => name !== 'key')
      .map(([name, value]): [string, string] => [`output ${name}`, value]),
  ]
  const leaks: string[] = []
  for (const secret of secrets) {
    if (secret === '') continue
    for (const [place, text] of places)
      if (text.includes(secret)) leaks.push(`a credential (${secret.slice(0, 4)}…) appears in ${place}`)
  }
  return leaks
}
