import { describe, expect, it } from 'vitest'
import {
  collection,
  describeTarget,
  managingKeyTarget,
  notFoundSubject,
  permissionFor,
  targetLocation,
  targetsOf,
  type TargetRef,
  type TargetSettings,
} from '../src/targets.js'

// Which targets a run writes and how each is named: pure, so a table of settings and what they give.

const BASE: TargetSettings = {
  secretName: 'CAPGO_TOKEN',
  repositories: [{ owner: 'octo', repo: 'app' }],
  environment: undefined,
  organization: undefined,
  orgVisibility: undefined,
  orgSelectedRepositories: [],
  secretTypes: ['actions'],
}
const app = { owner: 'octo', repo: 'app' }
const web = { owner: 'octo', repo: 'web' }

describe('targetsOf', () => {
  it.each<[string, Partial<TargetSettings>, TargetRef[]]>([
    [
      'one repository, Actions',
      {},
      [{ kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' }],
    ],
    [
      'repositories in order, each with every secret type in order',
      { repositories: [web, app], secretTypes: ['dependabot', 'actions'] },
      [
        { kind: 'repository', type: 'dependabot', owner: 'octo', repo: 'web', secret: 'CAPGO_TOKEN' },
        { kind: 'repository', type: 'actions', owner: 'octo', repo: 'web', secret: 'CAPGO_TOKEN' },
        { kind: 'repository', type: 'dependabot', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' },
        { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' },
      ],
    ],
    [
      'an environment replaces each repository secret, Actions only',
      { repositories: [app, web], environment: 'prod eu/1', secretTypes: ['actions', 'dependabot'] },
      [
        {
          kind: 'environment',
          type: 'actions',
          owner: 'octo',
          repo: 'app',
          environment: 'prod eu/1',
          secret: 'CAPGO_TOKEN',
        },
        {
          kind: 'environment',
          type: 'actions',
          owner: 'octo',
          repo: 'web',
          environment: 'prod eu/1',
          secret: 'CAPGO_TOKEN',
        },
      ],
    ],
    [
      'the organization alone, one secret per type, with the visibility asked for',
      {
        repositories: [],
        organization: 'octo',
        orgVisibility: 'selected',
        orgSelectedRepositories: ['app', 'web'],
        secretTypes: ['actions', 'dependabot'],
      },
      [
        {
          kind: 'organization',
          type: 'actions',
          owner: 'octo',
          secret: 'CAPGO_TOKEN',
          visibility: 'selected',
          selectedRepositories: ['app', 'web'],
        },
        {
          kind: 'organization',
          type: 'dependabot',
          owner: 'octo',
          secret: 'CAPGO_TOKEN',
          visibility: 'selected',
          selectedRepositories: ['app', 'web'],
        },
      ],
    ],
    [
      'repositories first, then the organization, its visibility left to what exists',
      { organization: 'octo' },
      [
        { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' },
        {
          kind: 'organization',
          type: 'actions',
          owner: 'octo',
          secret: 'CAPGO_TOKEN',
          visibility: undefined,
          selectedRepositories: [],
        },
      ],
    ],
    ['nothing to write', { repositories: [] }, []],
  ])('%s', (_label, settings, expected) => {
    expect(targetsOf({ ...BASE, ...settings })).toEqual(expected)
  })
})

const REPO: TargetRef = { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_TOKEN' }
const DEPENDABOT: TargetRef = { ...REPO, type: 'dependabot' }
const ENV: TargetRef = {
  kind: 'environment',
  type: 'actions',
  owner: 'octo',
  repo: 'app',
  environment: 'prod eu/1',
  secret: 'CAPGO_TOKEN',
}
const ORG: TargetRef = {
  kind: 'organization',
  type: 'dependabot',
  owner: 'octo',
  secret: 'CAPGO_TOKEN',
  visibility: undefined,
  selectedRepositories: [],
}

describe('how a target is named, routed and permitted', () => {
  it.each<
    [
      TargetRef,
      { describe: string; location: string; route: string; params: object; notFound: string; permission: RegExp },
    ]
  >([
    [
      REPO,
      {
        describe: 'octo/app (repository actions secret CAPGO_TOKEN)',
        location: 'octo/app',
        route: '/repos/{owner}/{repo}/actions/secrets',
        params: { owner: 'octo', repo: 'app' },
        notFound: 'repository octo/app',
        permission: /^the repository permission "Secrets: Read and write" \(classic PAT: repo\)$/,
      },
    ],
    [
      DEPENDABOT,
      {
        describe: 'octo/app (repository dependabot secret CAPGO_TOKEN)',
        location: 'octo/app',
        route: '/repos/{owner}/{repo}/dependabot/secrets',
        params: { owner: 'octo', repo: 'app' },
        notFound: 'repository octo/app',
        permission: /"Dependabot secrets: Read and write" \(classic PAT: repo\)$/,
      },
    ],
    [
      ENV,
      {
        describe: "octo/app environment 'prod eu/1' (environment secret CAPGO_TOKEN)",
        location: 'octo/app → prod eu/1',
        // The environment is a parameter, for Octokit to URL-encode.
        route: '/repos/{owner}/{repo}/environments/{environment_name}/secrets',
        params: { owner: 'octo', repo: 'app', environment_name: 'prod eu/1' },
        notFound: "environment 'prod eu/1' of octo/app (create it under Settings → Environments) or the repository",
        permission: /"Environments: Read and write" and "Secrets: Read and write"/,
      },
    ],
    [
      ORG,
      {
        describe: 'organization octo (organization dependabot secret CAPGO_TOKEN)',
        location: 'octo',
        route: '/orgs/{org}/dependabot/secrets',
        params: { org: 'octo' },
        notFound: 'organization octo',
        permission: /^the organization permission "Dependabot secrets: Read and write" \(classic PAT: admin:org\)$/,
      },
    ],
  ])('%j', (ref, expected) => {
    expect(describeTarget(ref)).toBe(expected.describe)
    expect(targetLocation(ref)).toBe(expected.location)
    expect(collection(ref)).toEqual({ route: expected.route, params: expected.params })
    expect(notFoundSubject(ref)).toBe(expected.notFound)
    expect(permissionFor(ref)).toMatch(expected.permission)
  })

  it('keeps server-chosen names as data: no route is built from a name', () => {
    const odd: TargetRef = { ...REPO, owner: 'o/../x', repo: '{repo}' }
    expect(collection(odd)).toEqual({
      route: '/repos/{owner}/{repo}/actions/secrets',
      params: { owner: 'o/../x', repo: '{repo}' },
    })
  })
})

describe('managingKeyTarget', () => {
  const home = { owner: 'octo', repo: 'app' }
  it.each<[string, Parameters<typeof managingKeyTarget>[0], TargetRef | undefined]>([
    [
      'a repository Actions secret of the workflow repository',
      { workflowRepository: home, managingKeySecret: 'CAPGO_ADMIN_KEY', managingKeyEnvironment: undefined },
      { kind: 'repository', type: 'actions', owner: 'octo', repo: 'app', secret: 'CAPGO_ADMIN_KEY' },
    ],
    [
      'an environment secret with managing-key-environment',
      { workflowRepository: home, managingKeySecret: 'CAPGO_ADMIN_KEY', managingKeyEnvironment: 'capgo-rotation' },
      {
        kind: 'environment',
        type: 'actions',
        owner: 'octo',
        repo: 'app',
        environment: 'capgo-rotation',
        secret: 'CAPGO_ADMIN_KEY',
      },
    ],
    [
      'none without managing-key-secret',
      { workflowRepository: home, managingKeySecret: undefined, managingKeyEnvironment: undefined },
      undefined,
    ],
    [
      'none outside a repository (no GITHUB_REPOSITORY)',
      { workflowRepository: undefined, managingKeySecret: 'CAPGO_ADMIN_KEY', managingKeyEnvironment: undefined },
      undefined,
    ],
  ])('%s', (_label, settings, expected) => {
    expect(managingKeyTarget(settings)).toEqual(expected)
  })
})
