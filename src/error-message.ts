/** The message of anything thrown: an Error's message, else its text. One spelling for every module. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
