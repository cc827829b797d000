import { realpathSync } from 'node:fs'

// `npm run local-action` runs the action with @github/local-action, which replaces @actions/core
// with a stub that keeps outputs and masks in memory. It picks the copy to replace by running
// `npm ls` in the current directory, not in the action's: started from inside another npm project,
// it stubs that project's @actions/core, the action loads the real one, and the real one prints
// every output and mask as a workflow command (`::set-output name=key::…`, `::add-mask::…`): the
// new key and the managing key in clear, since no runner is there to consume them. So the action
// refuses to start under local-action anywhere but in its own directory.

/** Why this run must not start, or undefined. Only under local-action (TARGET_ACTION_PATH), never on a runner. */
export function localActionProblem(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const target = env.TARGET_ACTION_PATH
  if (!target || env.GITHUB_ACTIONS === 'true') return undefined
  if (real(cwd) === real(target)) return undefined
  return (
    `Refusing to run: @github/local-action was started in ${cwd}, not in the action's directory ${target}. ` +
    `From there it stubs another copy of @actions/core, and the real one would print the new key in clear. ` +
    `Run it from the repository root: npm run local-action (see README, Development).`
  )
}

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}
