import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { exitCleanlyOnCancelOrCrash } from './cancellation.js'
import { run } from './main.js'

// The runner starts the action as `node dist/index.js`. Anything that imports the bundle instead
// (@github/local-action, a test, another script) gets run() and nothing else: a rotation never
// starts merely because the module was loaded.
export { run }

function isEntryModule(): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryModule()) {
  exitCleanlyOnCancelOrCrash()
  await run()
}
