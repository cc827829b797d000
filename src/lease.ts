import { createHash, randomBytes } from 'node:crypto'
import type { GitHubClient } from './github-client.js'
import { localNow } from './github-clock.js'
import { explainGitHubError, isNotFound, statusOf, type GitHubErrorContext } from './github-errors.js'
import { RESERVED_PREFIX, type RepositoryRef } from './settings.js'
import { errorMessage } from './error-message.js'

// The lease: one run of a rotation at a time, even without a `concurrency` group (a schedule and a
// manual run, two workflows). It is a repository Actions variable in the workflow's repository,
// named after the key-name; creating a variable is atomic (POST answers 201, or 409 when the name
// is taken), so exactly one run holds it. A lease left by a run that died is stale after TTL and
// may be taken over; staleness is judged by GitHub's own clock (the variable's updated_at against
// the Date header of the answer), never the runner's. Values are plaintext: ids and times only.

/** Longer than any run can take (see README, time bounds), so a live run's lease never goes stale. */
export const LEASE_TTL_SECONDS = 3600

/** How long a cancelled run waits for its own take to answer before looking for the lease itself (within CANCEL_BUDGET_MS). */
export const ABANDON_WAIT_MS = 1000

export interface Lease {
  readonly name: string
  /** Takes the lease, or throws (LeaseBusyError when another run holds it). */
  acquire(): Promise<void>
  /** Gives it back; idempotent, never throws (a failure is a warning: the lease expires anyway). */
  release(): Promise<void>
  /** True while this run holds it. */
  readonly held: boolean
}

export class LeaseBusyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LeaseBusyError'
  }
}

/** A valid GitHub variable name, the same for every run of a rotation, different across rotations. */
export function leaseName(keyName: string): string {
  return `${RESERVED_PREFIX}LEASE_${createHash('sha256').update(keyName).digest('hex').slice(0, 20).toUpperCase()}`
}

interface LeaseValue {
  readonly holder: string
  readonly run: string | undefined
  readonly ttl: number
}

const CANCELLED = 'The run was cancelled while taking the lease. Nothing was changed.'

const PERMISSION = 'the repository permission "Variables: Read and write" (classic PAT: repo)'

export class GitHubLease implements Lease {
  readonly name: string
  private readonly holder: string
  private state: 'free' | 'held' | 'unguarded' | 'released' = 'free'
  private taking: Promise<void> | undefined
  private acquiredAt = 0
  private releasing: Promise<void> | undefined
  private abandoned = false

  constructor(
    private readonly octokit: GitHubClient,
    private readonly repository: RepositoryRef,
    keyName: string,
    /** The run, for people reading the variable: "<run id>/<attempt>". */
    private readonly run: string | undefined,
    private readonly warn: (message: string) => void,
  ) {
    this.name = leaseName(keyName)
    this.holder = randomBytes(12).toString('hex')
  }

  get held(): boolean {
    return this.state === 'held'
  }

  private context(doing: string): GitHubErrorContext {
    const { owner, repo } = this.repository
    return {
      doing: `${doing} the lease (variable ${this.name} of ${owner}/${repo}, which keeps overlapping runs of this rotation apart)`,
      subject: `repository ${owner}/${repo}`,
      permission: PERMISSION,
    }
  }

  acquire(): Promise<void> {
    if (this.abandoned) return Promise.reject(new Error(CANCELLED))
    this.taking = this.take().then(() => {
      // Abandoned while taking: the run is being cancelled and must not go on as if it held the lease.
      if (this.abandoned) throw new Error(CANCELLED)
    })
    return this.taking
  }

  /**
   * For a cancelled run (cancellation.ts): gives the lease back, also when taking it is still in
   * flight, since its POST may have landed.
   */
  async abandon(): Promise<void> {
    // A take started after this (the run goes on until the process exits) ends in an error.
    this.abandoned = true
    const taking = this.taking
    if (!taking) return
    // A take whose answer is slow would use up the cancel budget (the request timeout is longer):
    // wait briefly, then look for the lease ourselves.
    let timer: NodeJS.Timeout | undefined
    const settled = await Promise.race([
      taking.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ABANDON_WAIT_MS)
      }),
    ])
    clearTimeout(timer)
    if (settled || this.state !== 'free') return this.release()
    // Still taking: its POST may have landed. Delete the lease only if it holds this run's holder.
    try {
      const current = await this.read()
      if (current?.value?.holder === this.holder) await this.remove()
    } catch (error) {
      this.warn(`${errorMessage(error)}; it expires by itself ${LEASE_TTL_SECONDS / 60} minutes after it was taken.`)
    }
  }

  private async take(): Promise<void> {
    const value = JSON.stringify({
      holder: this.holder,
      run: this.run,
      ttl: LEASE_TTL_SECONDS,
      taken_at: new Date().toISOString(),
    })
    const { owner, repo } = this.repository
    let notFound: unknown
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        // Not retried by plugin-retry: a retried POST whose first answer was lost meets its own 409.
        const answer = await this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
          owner,
          repo,
          name: this.name,
          value,
          request: { retries: 0 },
        })
        // 201 is GitHub's answer to a variable it created. Any other "success" (a garbled or
        // rewritten answer) proves nothing, as a lost one: see who holds it, below.
        if (answer.status === 201) return this.took()
      } catch (error) {
        const status = statusOf(error)
        // A 404 is what a token gets for a repository it cannot see at all. If it can list this
        // repository's variables, the 404 was something else (a passing fault): no reason to run
        // unguarded, as another run of this rotation, with the same token, would not be.
        if (lacksVariableAccess(error) && !(await this.variablesVisible())) {
          // The token cannot see the workflow's repository: run without the lease rather than not at
          // all, with a warning; the other guards still hold (README, security notes).
          this.warn(
            `${explainGitHubError(this.context('taking'), error)} This run goes on without the lease, so an overlapping run of the ` +
              'same rotation is not kept out: give the token access to this repository with Variables: Read and write, or use a concurrency group.',
          )
          this.state = 'unguarded'
          return
        }
        if (status === 404) notFound = error
        if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 404) {
          throw new Error(`${explainGitHubError(this.context('taking'), error)} Nothing was changed.`)
        }
      }
      // 409, an unknown outcome (5xx, timeout, reset) or an answer that is not a 201: see who holds it now.
      const current = await this.read()
      if (current === undefined) continue
      if (current.value?.holder === this.holder) return this.took()
      if (current.stale) {
        await this.remove().catch(() => undefined)
        continue
      }
      const by = current.value?.run ? `run ${current.value.run}` : 'another run'
      throw new LeaseBusyError(
        `Another run of this rotation (${by}) is under way: it holds the lease ${this.name} in ${owner}/${repo} ` +
          `since ${current.updatedAt ?? 'an unknown time'}. Nothing was changed; run again once it is done. ` +
          `A lease left by a run that died expires ${LEASE_TTL_SECONDS / 60} minutes after it was taken (or delete the variable).`,
      )
    }
    if (notFound !== undefined)
      throw new Error(
        `${explainGitHubError(this.context('taking'), notFound)} GitHub kept answering 404 although the token can list this repository's variables. Nothing was changed; run again.`,
      )
    throw new Error(
      `Taking the lease ${this.name} failed three times (another run took and released it meanwhile?). Nothing was changed; run again.`,
    )
  }

  /**
   * Whether the token can list the workflow repository's variables: false only on a 404 (it cannot
   * see the repository); any other failure counts as visible, so the run is never unguarded by it.
   */
  private async variablesVisible(): Promise<boolean> {
    try {
      await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables', { ...this.repository, per_page: 1 })
      return true
    } catch (error) {
      return !isNotFound(error)
    }
  }

  private took(): void {
    this.state = 'held'
    this.acquiredAt = localNow()
  }

  release(): Promise<void> {
    if (this.state !== 'held') return this.releasing ?? Promise.resolve()
    this.state = 'released'
    this.releasing = this.releaseNow().catch((error: unknown) => {
      this.warn(`${errorMessage(error)}; it expires by itself ${LEASE_TTL_SECONDS / 60} minutes after it was taken.`)
    })
    return this.releasing
  }

  private async releaseNow(): Promise<void> {
    // Past half its life the lease may have been taken over: delete it only if it is still ours.
    if (localNow() - this.acquiredAt > (LEASE_TTL_SECONDS * 1000) / 2) {
      const current = await this.read()
      if (current?.value?.holder !== this.holder) return
    }
    await this.remove()
  }

  private async remove(): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/actions/variables/{name}', {
        ...this.repository,
        name: this.name,
      })
    } catch (error) {
      if (isNotFound(error)) return
      throw new Error(explainGitHubError(this.context('releasing'), error))
    }
  }

  /** The lease as it stands, or undefined when nobody holds it. */
  private async read(): Promise<
    { value: LeaseValue | undefined; updatedAt: string | undefined; stale: boolean } | undefined
  > {
    let response: { data: unknown; headers: Record<string, unknown> }
    try {
      response = await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables/{name}', {
        ...this.repository,
        name: this.name,
      })
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw new Error(`${explainGitHubError(this.context('reading'), error)} Nothing was changed.`)
    }
    const data = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as {
      value?: unknown
      updated_at?: unknown
    }
    const value = parseValue(data.value)
    const updatedAt = typeof data.updated_at === 'string' ? data.updated_at : undefined
    // GitHub's clock on both sides; a lease whose age cannot be told is not taken over.
    const updated = updatedAt ? Date.parse(updatedAt) : Number.NaN
    const now = typeof response.headers.date === 'string' ? Date.parse(response.headers.date) : Number.NaN
    const ttl = value?.ttl ?? LEASE_TTL_SECONDS
    const stale = !Number.isNaN(updated) && !Number.isNaN(now) && now - updated > ttl * 1000
    return { value, updatedAt, stale }
  }
}

/** The lease's value is data from a server: parsed strictly, and never trusted beyond its fields. */
function parseValue(raw: unknown): LeaseValue | undefined {
  if (typeof raw !== 'string') return undefined
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>
    if (typeof parsed.holder !== 'string') return undefined
    const run = typeof parsed.run === 'string' && /^[\w./-]{1,80}$/.test(parsed.run) ? parsed.run : undefined
    const ttl =
      typeof parsed.ttl === 'number' && Number.isSafeInteger(parsed.ttl) && parsed.ttl > 0 && parsed.ttl <= 86_400
        ? parsed.ttl
        : LEASE_TTL_SECONDS
    return { holder: parsed.holder, run, ttl }
  } catch {
    return undefined
  }
}

/** 403 (not a rate limit) or 404 on the variable: the token may not write variables in the repository. */
function lacksVariableAccess(error: unknown): boolean {
  // 404: the token cannot see the workflow's repository at all (it may cover only the targets).
  // A 403 (no Variables permission) is not waived: that token can be given the permission, and the
  // lease is what keeps the contract's promise about overlapping runs.
  return isNotFound(error)
}
