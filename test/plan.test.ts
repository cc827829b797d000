import { describe, expect, it } from 'vitest'
import type { CapgoKey } from '../src/capgo-client.js'
import type { PreparedTarget } from '../src/github-secret-store.js'
import type { TargetRef } from '../src/targets.js'
import { describeOrgAccess, describePlan, describeScope, type PlanInput } from '../src/plan.js'
import type { PreviousKeys, RegenerateChoice } from '../src/previous-keys.js'
import { readSettings } from '../src/settings.js'

// The dry run's plan in words: what would be issued, written, remembered and deleted.

const NAME = 'github-actions:octo/app:CAPGO_TOKEN'

function settings(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = { 'capgo-api-key': 'capgo-secret', 'github-token': 'gh-secret', ...inputs }
  return readSettings((name) => all[name] ?? '', { GITHUB_REPOSITORY: 'octo/app' })
}

function key(id: number): CapgoKey {
  return {
    id,
    name: NAME,
    mode: 'upload',
    globalPermissions: [],
    createdAt: undefined,
    updatedAt: undefined,
    expiresAt: undefined,
    isManagingKey: false,
  }
}

const repo: TargetRef = { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' }
const org: TargetRef = {
  kind: 'organization',
  type: 'actions',
  owner: 'octo',
  secret: 'CAPGO_TOKEN',
  visibility: undefined,
  selectedRepositories: [],
}

function target(ref: TargetRef, existing: PreparedTarget['existing'], orgAccess?: PreparedTarget['orgAccess']) {
  return { ref, existing, orgAccess } as PreparedTarget
}

const previous = (kept: number[], retired: number[]): PreviousKeys => ({
  replaced: [...kept, ...retired].map(key),
  kept: kept.map(key),
  retired: retired.map(key),
  notes: [],
})
const noPrevious = previous([], [])
const regenerate = (id: number, kept: number[] = []): RegenerateChoice => ({
  ok: true,
  id,
  key: key(id),
  kept: kept.map(key),
})
const cannotRegenerate: RegenerateChoice = { ok: false, problem: "There is no Capgo key named 'x' to regenerate." }

function plan(overrides: Partial<PlanInput>): string[] {
  return describePlan({
    settings: settings(),
    strategy: 'create',
    regenerateChoice: cannotRegenerate,
    generation: 'classic',
    previous: noPrevious,
    targets: [target(repo, null)],
    variable: undefined,
    ...overrides,
  })
}

describe('describePlan', () => {
  it.each<[string, Partial<PlanInput>, string[]]>([
    [
      'create on classic, first run',
      {},
      [
        `create Capgo key '${NAME}' (mode upload, not limited to apps or orgs, no expiry)`,
        'write octo/app (repository actions secret CAPGO_TOKEN): created',
        'no previous key to delete',
      ],
    ],
    [
      'create with keep-previous: deletes the older, keeps the newer; the variable is updated',
      {
        settings: settings({ 'keep-previous': '1', 'expires-in-days': '90', 'limited-to-apps': 'com.example.app' }),
        previous: previous([6], [5, 4]),
        targets: [target(repo, { updatedAt: '2026-01-01T00:00:00Z' })],
        variable: { name: 'CAPGO_KEY_ID', current: '6' },
      },
      [
        `create Capgo key '${NAME}' (mode upload, limited to apps com.example.app, expires 90 days after the rotation)`,
        'write octo/app (repository actions secret CAPGO_TOKEN): updated',
        "set variable CAPGO_KEY_ID to the new key's id (updated from 6)",
        'then delete previous key(s) 5, 4',
        'keep previous key(s) 6 alive (keep-previous: 1)',
      ],
    ],
    [
      'regenerate in place, the other key kept; the variable created',
      {
        settings: settings({ strategy: 'regenerate', 'keep-previous': '1' }),
        strategy: 'regenerate',
        regenerateChoice: regenerate(7, [8]),
        generation: 'current',
        previous: previous([8], [7]),
        targets: [target(repo, undefined)],
        variable: { name: 'CAPGO_KEY_ID', current: undefined },
      },
      [
        'regenerate Capgo key 7 in place (no expiry; its rights stay as set in Capgo)',
        'keep key(s) 8 alive: the value the secrets hold now keeps working until the next run (keep-previous: 1)',
        'write octo/app (repository actions secret CAPGO_TOKEN): created or updated',
        'set variable CAPGO_KEY_ID to 7 (created)',
      ],
    ],
    [
      'auto on a Capgo that does not tell its generation: the fallback is named',
      { generation: 'unknown', regenerateChoice: regenerate(7) },
      [
        `create Capgo key '${NAME}' (mode upload, not limited to apps or orgs, no expiry)`,
        'if Capgo refuses to create keys (current Capgo), regenerate key 7 instead',
        'write octo/app (repository actions secret CAPGO_TOKEN): created',
        'no previous key to delete',
      ],
    ],
    [
      'auto on an unknown Capgo with nothing to regenerate: says the run would fail',
      { generation: 'unknown' },
      [
        `create Capgo key '${NAME}' (mode upload, not limited to apps or orgs, no expiry)`,
        "if Capgo refuses to create keys (current Capgo), the run fails: There is no Capgo key named 'x' to regenerate.",
        'write octo/app (repository actions secret CAPGO_TOKEN): created',
        'no previous key to delete',
      ],
    ],
  ])('%s', (_, input, expected) => {
    expect(plan(input)).toEqual(expected)
  })

  it('names the visibility an organization secret is written with', () => {
    const lines = plan({
      targets: [target(org, null, { visibility: 'selected', selectedRepositoryIds: [11, 12], isNew: true })],
    })
    expect(lines).toContain(
      'write organization octo (organization actions secret CAPGO_TOKEN): created, new secret with visibility selected (repository ids 11, 12)',
    )
  })
})

describe('describeOrgAccess', () => {
  it.each([
    [
      'a new secret',
      org,
      { visibility: 'private', selectedRepositoryIds: [], isNew: true },
      'new secret with visibility private',
    ],
    [
      'an existing one, kept',
      org,
      { visibility: 'all', selectedRepositoryIds: [], isNew: false },
      'keeping visibility all',
    ],
    [
      'an existing one, set by org-visibility',
      { ...org, visibility: 'selected' },
      { visibility: 'selected', selectedRepositoryIds: [], isNew: false },
      'setting visibility selected (repository ids none)',
    ],
  ] as const)('%s', (_, ref, access, expected) => {
    expect(describeOrgAccess(ref as TargetRef, access)).toBe(expected)
  })
})

describe('describeScope', () => {
  it.each([
    [[], [], 'not limited to apps or orgs'],
    [['a', 'b'], [], 'limited to apps a, b'],
    [['a'], ['org-1'], 'limited to apps a; orgs org-1'],
  ])('apps %j, orgs %j', (limitedToApps, limitedToOrgs, expected) => {
    expect(describeScope({ limitedToApps, limitedToOrgs })).toBe(expected)
  })
})
