import type { FakeCapgo } from './fake-capgo.js'
import type { FakeGitHub } from './fake-github.js'

/** The inputs that point the action at a pair of fakes, plus any others. */
export function fakeInputs(
  capgo: FakeCapgo,
  github: FakeGitHub,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'capgo-api-key': capgo.managingKey.key,
    'capgo-api-url': capgo.baseUrl,
    'github-token': github.token,
    'github-api-url': github.baseUrl,
    ...extra,
  }
}
