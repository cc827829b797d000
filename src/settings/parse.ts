import { urlForMessage } from '../log-text.js'

// The parsers every settings reader shares. Each pushes what is wrong onto `problems` instead of
// throwing, so that all of an input's problems are reported together.

/** An input's value, trimmed; '' when the input is not set. */
export type Input = (name: string) => string

/** What a reader found: the values and every problem with them, in the order found. */
export interface Reading<T> {
  readonly value: T
  readonly problems: readonly string[]
}

export interface RepositoryRef {
  readonly owner: string
  readonly repo: string
}

/**
 * Names of the action's own throwaway secrets (the write check) and variables (the lease) start
 * with this; users may not name a secret or key-id-variable so, which makes a collision impossible.
 */
export const RESERVED_PREFIX = 'CAPGO_ROTATION_'

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const WHOLE_NUMBER = /^[0-9]+$/

/** Commas and newlines separate items; blanks and surrounding spaces are ignored. */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Secret and variable names share GitHub's rules. */
export function checkGitHubName(
  input: string,
  value: string,
  noun: string,
  reserved: string,
  problems: string[],
): void {
  if (!SECRET_NAME.test(value)) {
    problems.push(
      `${input}: '${value}' is not a valid ${noun} name: use letters, digits and underscores, not starting with a digit (no '-' or spaces)`,
    )
  } else if (/^GITHUB_/i.test(value)) {
    problems.push(`${input}: '${value}' starts with GITHUB_, ${reserved}`)
  }
}

export function oneOf<T extends string>(
  name: string,
  raw: string,
  allowed: readonly T[],
  problems: string[],
): T | undefined {
  const value = raw.toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  problems.push(`${name}: '${raw}' is not one of ${allowed.join(', ')}`)
  return undefined
}

export function parseWholeNumber(
  name: string,
  raw: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (raw === '') return undefined
  const value = Number(raw)
  if (!WHOLE_NUMBER.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`
    problems.push(`${name}: '${raw}' is not ${range}`)
    return undefined
  }
  return value
}

// The YAML 1.2 core schema booleans, as core.getBooleanInput accepts them.
export function parseBoolean(name: string, raw: string, fallback: boolean, problems: string[]): boolean {
  if (raw === '') return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  problems.push(`${name}: '${raw}' is not a boolean: use true or false`)
  return fallback
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * An https URL (http only for loopback hosts), returned without a trailing slash. Messages quote
 * the input through urlForMessage: never its userinfo (a password), query or fragment.
 */
export function parseBaseUrl(name: string, raw: string, problems: string[]): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    problems.push(`${name}: '${urlForMessage(raw)}' is not a URL: use the form https://host[/path]`)
    return raw
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
  if (!secure) {
    problems.push(
      `${name}: '${urlForMessage(raw)}' must use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and [::1])`,
    )
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push(`${name}: '${urlForMessage(raw)}' must not carry credentials, a query or a fragment`)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** GITHUB_REPOSITORY, the workflow's repository; undefined outside Actions or when malformed. */
export function parseWorkflowRepository(value: string | undefined): RepositoryRef | undefined {
  const [owner, repo, ...rest] = (value ?? '').trim().split('/')
  if (!owner || !repo || rest.length > 0) return undefined
  return { owner, repo }
}

/** Control and invisible format characters, which no name a user means holds. */
export const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u

/**
 * An environment name GitHub can hold and a REST path can address: `.` and `..` are dropped from
 * a URL path as dot segments (the request would reach another route), whatever the encoding.
 */
export function checkEnvironmentName(input: string, value: string, problems: string[]): void {
  if (value.length > 255) problems.push(`${input}: '${value.slice(0, 40)}…' is longer than GitHub's 255 characters`)
  else if (value === '.' || value === '..')
    problems.push(
      `${input}: '${value}' cannot be addressed through GitHub's REST API (a URL path drops it): name an environment of the repository`,
    )
  else if (CONTROL.test(value))
    problems.push(`${input}: the name holds control or invisible characters: name an environment of the repository`)
}
