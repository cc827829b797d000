import pLimit from 'p-limit'

// How many requests go out at once. Reads are cheap for GitHub (its secondary limit is 100
// concurrent requests); content-creating writes are not: a sync writing 16 secrets at once was
// stopped by abuse detection, and GitHub documents 80 such writes a minute. github-client.ts
// enforces the per-minute count; these bound the bursts.
export const READ_CONCURRENCY = 10
export const WRITE_CONCURRENCY = 5

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** Runs fn over items with at most `limit` at once; never rejects, one settled result per item. */
export async function settleAll<I, T>(
  items: readonly I[],
  limit: number,
  fn: (item: I) => Promise<T>,
): Promise<Settled<T>[]> {
  const run = pLimit(limit)
  return Promise.all(
    items.map((item) =>
      run(async (): Promise<Settled<T>> => {
        try {
          return { ok: true, value: await fn(item) }
        } catch (error) {
          return { ok: false, error }
        }
      }),
    ),
  )
}

/** One promise as a Settled result: never rejects. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  )
}
