import { preflightFailed } from './explain.js'

/** A run stopped before anything changed: every problem found, worded by explain.ts. */
export class PreflightError extends Error {
  constructor(problems: readonly string[]) {
    super(preflightFailed(problems))
    this.name = 'PreflightError'
  }
}
