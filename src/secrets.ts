import * as core from '@actions/core'

// Every credential the action handles passes through here the moment it exists: the runner masks
// it in the log (core.setSecret), and redact() scrubs it from any text we build ourselves (error
// messages, summaries), so a credential is hidden even where the runner's masking does not reach.
const known = new Set<string>()

export function registerSecret(value: string): void {
  if (value.length === 0 || known.has(value)) return
  known.add(value)
  core.setSecret(value)
}

export function redact(text: string): string {
  let out = text
  for (const value of known) out = out.split(value).join('***')
  return out
}

/** For tests: forget what earlier runs in the same process registered. */
export function forgetSecrets(): void {
  known.clear()
}
