import pLimit from 'p-limit'

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** Runs fn over items with at most `limit` at once; never rejects, one settled result per item. */
export async function settleAll<I, T>(items: readonly I[], limit: number, fn: (item: I) => Promise<T>): Promise<Settled<T>[]> {
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
