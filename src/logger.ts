import * as core from '@actions/core'
import { safeLines } from './log-text.js'
import { redact } from './secrets.js'

// The only way the action writes to the log. Every message is redacted first (a secret changed by
// the next step would no longer match its mask), then each of its lines is made safe
// (src/log-text.ts), so no server or user text can issue a workflow command.

export interface Logger {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  debug(message: string): void
  error(message: string): void
}

export interface ActionLogger extends Logger {
  /** Logs the error and sets the step's exit code to failure. */
  setFailed(message: string): void
}

/** What of @actions/core the logger writes through. */
export type LogSink = Pick<typeof core, 'info' | 'notice' | 'warning' | 'debug' | 'error' | 'setFailed'>

export function createLogger(sink: LogSink = core): ActionLogger {
  const lines = (message: unknown): string[] => safeLines(redact(String(message)))
  // The command forms escape %, CR and LF in their data (docs/github-secrets.md): the safe lines
  // joined by LF stay one command, shown as a multi-line annotation.
  const joined = (message: unknown): string => lines(message).join('\n')
  return {
    // info() writes raw text: one call per line, each a safe line of its own.
    info: (message) => {
      for (const line of lines(message)) sink.info(line)
    },
    notice: (message) => sink.notice(joined(message)),
    warning: (message) => sink.warning(joined(message)),
    debug: (message) => sink.debug(joined(message)),
    error: (message) => sink.error(joined(message)),
    setFailed: (message) => sink.setFailed(joined(message)),
  }
}
