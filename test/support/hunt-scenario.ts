import fc from 'fast-check'
import type { Generation } from './fake-capgo.js'

// What the hunt generates: a rotation's configuration and starting state, a schedule of faults on
// the requests of either fake, and whether a second run of the same rotation overlaps the first
// (a schedule and a manual run). Plain data, so that fast-check can shrink and print it.

export type SecretKind = 'actions' | 'dependabot'

export interface TargetShape {
  /** Repositories written (octo/app, octo/web); 0 with no organization means the workflow's own. */
  readonly repos: 0 | 1 | 2
  /** Environment secrets of 'production' instead of repository secrets. */
  readonly environment: boolean
  readonly types: readonly SecretKind[]
  readonly organization: boolean
  /** The organization secret's visibility before the run, when it exists. */
  readonly orgVisibility: 'private' | 'selected'
}

/** A request of one fake, by method and path, as docs/contract.md's steps name them. */
export const STEPS = {
  'capgo list': { service: 'capgo', method: 'GET', path: /^\/apikey\/?$/ },
  'capgo create': { service: 'capgo', method: 'POST', path: /^\/apikey\/?$/ },
  'capgo regenerate': { service: 'capgo', method: 'PUT', path: /^\/apikey\/\d+\/?$/ },
  'capgo delete': { service: 'capgo', method: 'DELETE', path: /^\/apikey\/\d+\/?$/ },
  'github public key': { service: 'github', method: 'GET', path: /\/secrets\/public-key$/ },
  'github secret read': { service: 'github', method: 'GET', path: /\/secrets\/CAPGO_TOKEN$/ },
  'github org selection read': { service: 'github', method: 'GET', path: /\/secrets\/CAPGO_TOKEN\/repositories$/ },
  'github write (any)': { service: 'github', method: 'PUT', path: /\/secrets\/CAPGO_TOKEN$/ },
  'github write (repository)': {
    service: 'github',
    method: 'PUT',
    path: /^\/api\/v3\/repos\/[^/]+\/[^/]+\/(?:actions|dependabot)\/secrets\/CAPGO_TOKEN$/,
  },
  'github write (environment)': {
    service: 'github',
    method: 'PUT',
    path: /\/environments\/[^/]+\/secrets\/CAPGO_TOKEN$/,
  },
  'github write (organization)': {
    service: 'github',
    method: 'PUT',
    path: /^\/api\/v3\/orgs\/[^/]+\/(?:actions|dependabot)\/secrets\/CAPGO_TOKEN$/,
  },
  'github write check': { service: 'github', method: 'PUT', path: /\/secrets\/CAPGO_ROTATION_WRITE_CHECK$/ },
  'github write check removal': { service: 'github', method: 'DELETE', path: /\/secrets\/CAPGO_ROTATION_WRITE_CHECK$/ },
  'github variable read': { service: 'github', method: 'GET', path: /\/actions\/variables\/CAPGO_KEY_ID$/ },
  'github variable update': { service: 'github', method: 'PATCH', path: /\/actions\/variables\/CAPGO_KEY_ID$/ },
  // Creates key-id-variable, and takes the lease (src/lease.ts): both POST a variable.
  'github variable create': { service: 'github', method: 'POST', path: /\/actions\/variables$/ },
  'github lease read': {
    service: 'github',
    method: 'GET',
    path: /\/actions\/variables\/CAPGO_ROTATION_LEASE_[0-9A-F]+$/,
  },
  'github lease release': {
    service: 'github',
    method: 'DELETE',
    path: /\/actions\/variables\/CAPGO_ROTATION_LEASE_[0-9A-F]+$/,
  },
} as const satisfies Record<string, { service: 'capgo' | 'github'; method: string; path: RegExp }>

export type StepName = keyof typeof STEPS

/** 'echo': a 500 whose error message quotes the caller's credential (server text is hostile). */
export type FaultKind = 500 | 502 | 503 | 429 | 401 | 403 | 404 | 'hang' | 'reset' | 'malformed' | 'echo'

export interface FaultSpec {
  readonly step: StepName
  /** The nth matching request (1-based), or every one. */
  readonly occurrence: number | 'every'
  readonly kind: FaultKind
  /** Carry the request out, then lose or garble its answer (apply-then-fail). */
  readonly applied: boolean
}

export interface Scenario {
  readonly generation: Generation
  /** 'explicit' is create on classic Capgo, regenerate on current: the strategy that can work there. */
  readonly strategy: 'auto' | 'explicit'
  readonly keepPrevious: 0 | 1 | 2
  readonly keyIdVariable: boolean
  readonly rotateAfterDays: boolean
  readonly expiresInDays: boolean
  readonly targets: TargetShape
  /** Keys named key-name before the run (classic; current has keep-previous + 1, what regenerate needs). */
  readonly earlierKeys: 0 | 1 | 2 | 3
  /** Per target (in order), which earlier key (newest first) its secret holds; -1: no secret yet. */
  readonly held: readonly number[]
  /** The variable names the key the first target holds, when it holds one (else unset). */
  readonly variableSet: boolean
  /** With rotate-after-days: the secrets are older than the threshold (due), or fresh. */
  readonly due: boolean
  /** The faults, applied in order (each counts the requests it matches). */
  readonly faults: readonly FaultSpec[]
  /** The token may write the lease (a repository variable); false: every run goes on unguarded. */
  readonly leaseWritable: boolean
  /** A second run of the same rotation starts this many ms after the first; null: one run. */
  readonly overlapAfterMs: number | null
  /** Seed of the per-request latencies, and their bound. */
  readonly latencySeed: number
  readonly maxLatencyMs: 0 | 5 | 20
}

/** How many targets a shape makes, as targetsOf in src/targets.ts counts them. */
export function targetCount(shape: TargetShape): number {
  const repos = shape.repos > 0 ? shape.repos : shape.organization ? 0 : 1
  return repos * (shape.environment ? 1 : shape.types.length) + (shape.organization ? shape.types.length : 0)
}

const targetShape: fc.Arbitrary<TargetShape> = fc
  .record({
    repos: fc.constantFrom<0 | 1 | 2>(1, 0, 2),
    environment: fc.boolean(),
    types: fc.constantFrom<readonly SecretKind[]>(['actions'], ['dependabot'], ['actions', 'dependabot']),
    organization: fc.boolean(),
    orgVisibility: fc.constantFrom<'private' | 'selected'>('private', 'selected'),
  })
  // Settings refuse an environment without a repository, and Dependabot environment secrets.
  .map((shape) =>
    shape.environment
      ? { ...shape, repos: shape.repos === 0 ? (1 as const) : shape.repos, types: ['actions'] as const }
      : shape,
  )
  .filter((shape) => targetCount(shape) <= 4)

const faultKind: fc.Arbitrary<FaultKind> = fc.constantFrom<FaultKind>(
  500,
  'reset',
  'hang',
  502,
  503,
  429,
  401,
  403,
  404,
  'malformed',
  'echo',
)

/** Answers that can follow a request the server carried out: its answer lost, or a server error after the work. */
export function canFollowTheWork(kind: FaultKind): boolean {
  return kind === 500 || kind === 502 || kind === 503 || kind === 'hang' || kind === 'reset' || kind === 'malformed'
}

export const faultSpec: fc.Arbitrary<FaultSpec> = fc
  .record({
    step: fc.constantFrom(...(Object.keys(STEPS) as StepName[])),
    occurrence: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
      { weight: 1, arbitrary: fc.constant('every' as const) },
    ),
    kind: faultKind,
    applied: fc.boolean(),
  })
  // A 4xx means the request was refused; a garbled 200 always comes after the work (fake-http.ts).
  // GitHub answers a delete with 404 only when the variable is gone: a lease release's 404 follows the work.
  .map((fault) => ({
    ...fault,
    applied:
      fault.kind === 'malformed' ||
      (fault.applied && canFollowTheWork(fault.kind)) ||
      (fault.step === 'github lease release' && fault.kind === 404),
  }))

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  generation: fc.constantFrom<Generation>('classic', 'current'),
  strategy: fc.constantFrom<'auto' | 'explicit'>('auto', 'explicit'),
  keepPrevious: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
  keyIdVariable: fc.boolean(),
  rotateAfterDays: fc.boolean(),
  expiresInDays: fc.boolean(),
  targets: targetShape,
  earlierKeys: fc.constantFrom<0 | 1 | 2 | 3>(1, 0, 2, 3),
  held: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 4, maxLength: 4 }),
  variableSet: fc.boolean(),
  due: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  faults: fc.array(faultSpec, { minLength: 0, maxLength: 3 }),
  leaseWritable: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  overlapAfterMs: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 40 })),
  latencySeed: fc.integer({ min: 0, max: 0x7fffffff }),
  maxLatencyMs: fc.constantFrom<0 | 5 | 20>(5, 0, 20),
})

/** A scenario with no faults, one run and no latency, for deterministic tests to start from. */
export function plainScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    generation: 'classic',
    strategy: 'auto',
    keepPrevious: 0,
    keyIdVariable: false,
    rotateAfterDays: false,
    expiresInDays: false,
    targets: { repos: 1, environment: false, types: ['actions'], organization: false, orgVisibility: 'private' },
    earlierKeys: 1,
    held: [0, 0, 0, 0],
    variableSet: false,
    due: true,
    faults: [],
    leaseWritable: true,
    overlapAfterMs: null,
    latencySeed: 0,
    maxLatencyMs: 0,
    ...overrides,
  }
}
