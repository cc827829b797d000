import * as core from '@actions/core'
import { type Credentials, readCredentials } from './settings/credentials.js'
import {
  defaultKeyName,
  type KeyMode,
  type KeyScope,
  readKeyKind,
  readKeyScope,
  type Strategy,
} from './settings/key-spec.js'
import { type Lifecycle, readLifecycle } from './settings/lifecycle.js'
import { type ManagingKey, readManagingKey, sharedSecretProblems } from './settings/managing-key.js'
import { parseWorkflowRepository, type RepositoryRef } from './settings/parse.js'
import { SettingsError } from './settings/settings-error.js'
import { readTargets, type Targets } from './settings/targets.js'

// All inputs are read and checked here, once, before any request is sent: one reader per concern
// (src/settings/), and here the checks between concerns. Every problem is collected so that a
// user fixes a workflow in one round instead of one error per run.

export { KEY_MODES, STRATEGIES, type KeyMode, type Strategy } from './settings/key-spec.js'
export { parseList, RESERVED_PREFIX, type RepositoryRef } from './settings/parse.js'
export { SettingsError } from './settings/settings-error.js'
export { ORG_VISIBILITIES, SECRET_TYPES, type OrgVisibility, type SecretType } from './settings/targets.js'
export { readTuning, type Tuning } from './settings/tuning.js'

/**
 * Every input, checked: one part per reader in src/settings/, with the key-name default filled in
 * and the key's kind settled (a problem would have stopped the run).
 */
export type Settings = Credentials &
  Targets &
  Omit<KeyScope, 'keyName'> &
  Lifecycle &
  ManagingKey & {
    readonly strategy: Strategy
    readonly keyMode: KeyMode
    /** As given, or the default that names the targets (defaultKeyName). */
    readonly keyName: string
    /** GITHUB_REPOSITORY: where key-id-variable and the lease live. */
    readonly workflowRepository: RepositoryRef | undefined
  }

export type InputReader = (name: string) => string

const defaultReader: InputReader = (name) => core.getInput(name)

export function readSettings(read: InputReader = defaultReader, env: NodeJS.ProcessEnv = process.env): Settings {
  const input = (name: string): string => read(name).trim()
  const workflowRepository = parseWorkflowRepository(env.GITHUB_REPOSITORY)

  // Credentials first: they are masked before anything else is read.
  const credentials = readCredentials(input, env)
  const kind = readKeyKind(input)
  const targets = readTargets(input, workflowRepository)
  const scope = readKeyScope(input)
  const lifecycle = readLifecycle(input, workflowRepository)
  const managing = readManagingKey(input, workflowRepository)

  // The default key-name names the targets.
  const keyName =
    scope.value.keyName !== undefined
      ? { value: scope.value.keyName, problems: [] }
      : defaultKeyName(workflowRepository, targets.value)

  // Reported in the order users have always seen them: the readers' own, with the checks between
  // concerns where they belong (the key-name default after the targets it names).
  const problems = [
    ...credentials.problems,
    ...kind.problems,
    ...targets.problems,
    ...keyName.problems,
    ...scope.problems,
    ...lifecycle.problems,
    ...expiryProblems(scope.value.expiresInDays, lifecycle.value.rotateAfterDays),
    ...managing.problems,
    ...sharedSecretProblems(managing.value, targets.value, workflowRepository),
  ]
  if (problems.length > 0) throw new SettingsError(problems)

  const { strategy, keyMode } = kind.value
  return Object.freeze({
    capgoApiKey: credentials.value.capgoApiKey,
    capgoApiUrl: credentials.value.capgoApiUrl,
    strategy: strategy as Strategy,
    keyName: keyName.value,
    keyMode: keyMode as KeyMode,
    limitedToApps: scope.value.limitedToApps,
    limitedToOrgs: scope.value.limitedToOrgs,
    expiresInDays: scope.value.expiresInDays,
    previousKeyId: lifecycle.value.previousKeyId,
    keyIdVariable: lifecycle.value.keyIdVariable,
    keepPrevious: lifecycle.value.keepPrevious,
    rotateAfterDays: lifecycle.value.rotateAfterDays,
    workflowRepository,
    githubToken: credentials.value.githubToken,
    githubApiUrl: credentials.value.githubApiUrl,
    secretName: targets.value.secretName,
    repositories: targets.value.repositories,
    environment: targets.value.environment,
    organization: targets.value.organization,
    orgVisibility: targets.value.orgVisibility,
    orgSelectedRepositories: targets.value.orgSelectedRepositories,
    secretTypes: targets.value.secretTypes,
    dryRun: lifecycle.value.dryRun,
    managingKeySecret: managing.value.managingKeySecret,
    managingKeyEnvironment: managing.value.managingKeyEnvironment,
  })
}

/** A key that dies before the next rotation would leave the secrets holding a dead key. */
function expiryProblems(expiresInDays: number | undefined, rotateAfterDays: number | undefined): string[] {
  if (expiresInDays === undefined || rotateAfterDays === undefined || expiresInDays > rotateAfterDays) return []
  return [
    `expires-in-days: ${expiresInDays} is not longer than rotate-after-days: ${rotateAfterDays}, so the key would expire before ` +
      `the run that replaces it: set expires-in-days to at least ${rotateAfterDays + 1}, or lower rotate-after-days`,
  ]
}
