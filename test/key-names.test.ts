import nock from 'nock'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeCapgo } from './support/fake-capgo.js'
import { FakeGitHub } from './support/fake-github.js'
import {
  credentialsOf,
  expectLeaseReleased,
  fakeInputs,
  NO_CAPGO_RETRY_WAITS,
  runAction,
} from './support/run-action.js'

// Names that two things must never share: a key-name between rotations (each run retires every
// earlier key of its name), and the write check's throwaway secret with any secret of the user.

const TOKEN = 'github_pat_keynames0000000000000000000000'

let capgo: FakeCapgo
let github: FakeGitHub

beforeAll(async () => {
  await FakeGitHub.ready()
})

beforeEach(() => {
  nock.cleanAll()
  capgo = new FakeCapgo('classic').install()
  github = new FakeGitHub(TOKEN).install().addRepo('octo/app').addRepo('acme/web').addRepo('acme/docs').addOrg('acme')
})

/** A step of a workflow in octo/app: the repository the default key-name comes from. */
const rotate = (extra: Record<string, string> = {}) =>
  runAction({
    repository: 'octo/app',
    inputs: fakeInputs(capgo, github, extra),
    tuning: NO_CAPGO_RETRY_WAITS,
    mustNotLeak: credentialsOf(capgo, github),
    afterRun: () => expectLeaseReleased(github),
  })

describe('key-name across rotations of one workflow repository', () => {
  it('a step writing another repository without key-name fails before any request, naming key-name', async () => {
    const run = await rotate({ repositories: 'acme/web' })
    expect(run.failed).toBe(true)
    expect(run.error).toContain(
      "key-name: required when a target lies outside the workflow's repository octo/app (here: acme/web)",
    )
    expect(run.error).toContain("e.g. 'github-actions:acme/web:CAPGO_TOKEN'")
    expect(capgo.requests).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it('an organization step too', async () => {
    const run = await rotate({ organization: 'acme' })
    expect(run.error).toContain('key-name: required')
    expect(github.requests).toHaveLength(0)
  })

  it("three steps with their own key-names keep each other's keys alive", async () => {
    const steps: Record<string, string>[] = [
      { repositories: 'acme/web', 'key-name': 'ci:acme/web' },
      { repositories: 'acme/docs', 'key-name': 'ci:acme/docs' },
      { organization: 'acme', 'key-name': 'ci:org:acme' },
    ]
    for (const step of steps) expect((await rotate(step)).error).toBeUndefined()
    for (const step of steps) expect((await rotate(step)).error).toBeUndefined()
    const live = (value: string) => [...capgo.keys.values()].some((k) => k.key === value)
    expect(live(github.decrypt({ repo: 'acme/web' }, 'CAPGO_TOKEN'))).toBe(true)
    expect(live(github.decrypt({ repo: 'acme/docs' }, 'CAPGO_TOKEN'))).toBe(true)
    expect(live(github.decrypt({ org: 'acme' }, 'CAPGO_TOKEN'))).toBe(true)
    for (const step of steps) expect(capgo.named(step['key-name']!)).toHaveLength(1)
  })

  it('capgo_token and CAPGO_TOKEN are one secret and one rotation: the second run retires the first key', async () => {
    const first = await rotate({ 'secret-name': 'capgo_token' })
    const second = await rotate({ 'secret-name': 'CAPGO_TOKEN' })
    expect(first.outputs['key-name']).toBe(second.outputs['key-name'])
    expect(JSON.parse(second.outputs['deleted-key-ids']!)).toEqual([Number(first.outputs['key-id'])])
    expect(github.secretNames({ repo: 'octo/app' })).toEqual(['CAPGO_TOKEN'])
    expect(JSON.parse(first.outputs.targets!)[0].secret).toBe('CAPGO_TOKEN')
  })
})

describe("the write check's throwaway secret", () => {
  it('is refused as secret-name, before any request', async () => {
    const run = await rotate({ 'secret-name': 'CAPGO_ROTATION_WRITE_CHECK' })
    expect(run.error).toContain("secret-name: 'CAPGO_ROTATION_WRITE_CHECK' starts with CAPGO_ROTATION_")
    expect(github.requests).toHaveLength(0)
  })

  it('never touches a secret the user already has, even one named like the old fixed check', async () => {
    nock.cleanAll()
    capgo = new FakeCapgo('current').install()
    github = new FakeGitHub(TOKEN).install().addRepo('octo/app')
    const key = capgo.addKey({ name: 'github-actions:octo/app:CAPGO_TOKEN' })
    github.sealAndStore({ repo: 'octo/app' }, 'CAPGO_ROTATION_WRITE_CHECK', "the user's own value")
    const run = await rotate()

    expect(run.error).toBeUndefined()
    expect(run.outputs.strategy).toBe('regenerate')
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_ROTATION_WRITE_CHECK')).toBe("the user's own value")
    expect(github.decrypt({ repo: 'octo/app' }, 'CAPGO_TOKEN')).toBe(capgo.keys.get(key.id)!.key)
    expect(github.secretNames({ repo: 'octo/app' }).sort()).toEqual(['CAPGO_ROTATION_WRITE_CHECK', 'CAPGO_TOKEN'])
  })
})
