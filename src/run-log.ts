import type { ActionLogger } from './logger.js'

// The run logs through this: every line still goes to the runner's log (through the safe logger),
// and the warnings and notices are kept so that the job summary can repeat them where a
// maintainer looks first.
export class CollectingLogger implements ActionLogger {
  readonly warnings: string[] = []
  readonly notices: string[] = []

  constructor(private readonly inner: ActionLogger) {}

  info(message: string): void {
    this.inner.info(message)
  }

  debug(message: string): void {
    this.inner.debug(message)
  }

  notice(message: string): void {
    this.notices.push(message)
    this.inner.notice(message)
  }

  warning(message: string): void {
    this.warnings.push(message)
    this.inner.warning(message)
  }

  error(message: string): void {
    this.inner.error(message)
  }

  setFailed(message: string): void {
    this.inner.setFailed(message)
  }
}
