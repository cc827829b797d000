import * as core from '@actions/core'
import { safeText } from './log-text.js'

// Every credential the action handles passes through here the moment it exists: the runner masks
// it in the log (core.setSecret), and redact() scrubs it from any text we build ourselves (error
// messages, summaries), so a credential is hidden even where the runner's masking does not reach.
// A mask matches the whole value only, so the forms a value can take on its way to the log are
// registered too: each line of a multi-line value (as the runner does for secrets.*), and the
// value as safeText() renders it.
const known = new Set<string>()

// A line this short is no secret on its own, and masking it would blank common text.
const MIN_PART_LENGTH = 4

export function registerSecret(value: string): void {
  if (value.length === 0) return
  const forms = new Set([value, safeText(value)])
  for (const line of value.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)) {
    if (line.trim().length >= MIN_PART_LENGTH) forms.add(line).add(line.trim()).add(safeText(line))
  }
  for (const form of forms) {
    if (form.length === 0 || known.has(form)) continue
    known.add(form)
    core.setSecret(form)
  }
}

/** Run on raw text, before any other change to it: a changed secret no longer matches. */
export function redact(text: string): string {
  let out = String(text)
  // Longest first, so that a line of a secret never splits the whole value's match.
  for (const value of [...known].sort((a, b) => b.length - a.length)) out = out.split(value).join('***')
  return out
}

/** For tests: forget what earlier runs in the same process registered. */
export function forgetSecrets(): void {
  known.clear()
}
