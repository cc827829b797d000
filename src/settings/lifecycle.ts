import {
  checkGitHubName,
  type Input,
  parseBoolean,
  parseWholeNumber,
  type Reading,
  type RepositoryRef,
  RESERVED_PREFIX,
} from './parse.js'

// What happens around the new key: which earlier keys die or stay, when a rotation is due, where
// the key's id is remembered, and whether anything is changed at all.

export interface Lifecycle {
  readonly previousKeyId: number | undefined
  readonly dryRun: boolean
  /** How many of the newest earlier keys to leave alive. */
  readonly keepPrevious: number
  /** Skip the rotation while every target secret is younger than this many days. */
  readonly rotateAfterDays: number | undefined
  /** Repository Actions variable (in the workflow's repository) remembering the key's id. */
  readonly keyIdVariable: string | undefined
}

export function readLifecycle(input: Input, workflowRepo: RepositoryRef | undefined): Reading<Lifecycle> {
  const problems: string[] = []
  const previousKeyId = parseWholeNumber(
    'previous-key-id',
    input('previous-key-id'),
    1,
    Number.MAX_SAFE_INTEGER,
    problems,
  )
  const dryRun = parseBoolean('dry-run', input('dry-run'), false, problems)
  const keepPrevious = parseWholeNumber('keep-previous', input('keep-previous'), 0, 100, problems) ?? 0
  const rotateAfterDays = parseWholeNumber('rotate-after-days', input('rotate-after-days'), 1, 3650, problems)

  const keyIdVariable = input('key-id-variable') || undefined
  if (keyIdVariable !== undefined) {
    checkGitHubName('key-id-variable', keyIdVariable, 'variable', 'a prefix GitHub reserves', problems)
    if (keyIdVariable.toUpperCase().startsWith(RESERVED_PREFIX)) {
      problems.push(
        `key-id-variable: '${keyIdVariable}' starts with ${RESERVED_PREFIX}, which this action reserves for its own variables (the lease)`,
      )
    }
    if (!workflowRepo) problems.push('key-id-variable: needs GITHUB_REPOSITORY, the repository that holds the variable')
  }
  return { value: { previousKeyId, dryRun, keepPrevious, rotateAfterDays, keyIdVariable }, problems }
}
