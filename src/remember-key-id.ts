import { errorMessage } from './error-message.js'
import type { KeyIdVariable, VariableWrite } from './key-id-variable.js'
import type { Logger } from './rotation-types.js'

// Step 6 of docs/contract.md: key-id-variable remembers the id of the key every target now holds,
// so that the next run knows what it replaces. Only after every target was written.

export type VariableOutcome =
  | { readonly result: VariableWrite; readonly value: string }
  | { readonly result: 'failed'; readonly value: string; readonly error: string }

export async function rememberKeyId(
  variable: KeyIdVariable,
  current: string | undefined,
  id: number,
  log: Logger,
): Promise<VariableOutcome> {
  const value = String(id)
  try {
    const result = current === value ? 'unchanged' : await variable.write(value, current !== undefined)
    log.info(`Variable ${variable.name}: ${result} (${value}).`)
    return { result, value }
  } catch (error) {
    return { result: 'failed', value, error: errorMessage(error) }
  }
}
