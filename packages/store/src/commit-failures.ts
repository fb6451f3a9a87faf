/**
 * Commits that failed, by the number of the batch that held them, so that a request whose writes
 * were in one fails however late it asks. A request takes a mark (`Store.mark()`) before it writes
 * anything and passes it to `Store.flush(mark)` before it answers: any batch numbered from the
 * mark on may hold its writes, so a failure of any of them fails it, even one that failed (and
 * was forgotten by its waiters) while the request was still busy, say verifying a signature.
 */

/** How many failures are remembered; far more than the batches a request can span. */
const REMEMBERED = 256;

/** A bounded record of failed batches. */
export interface CommitFailures {
  record(batch: number, error: unknown): void;
  /** The failure of the first failed batch numbered `batch` or later, if any. */
  since(batch: number): unknown;
}

/**
 * @example
 * const failures = commitFailures();
 * failures.record(7, new Error('disk full'));
 * failures.since(5); // the error
 */
export function commitFailures(): CommitFailures {
  const failed: { batch: number; error: unknown }[] = [];
  return {
    record(batch, error) {
      failed.push({ batch, error });
      if (failed.length > REMEMBERED) failed.shift();
    },
    since(batch) {
      return failed.find((f) => f.batch >= batch)?.error;
    },
  };
}

/** What a store that defers commits offers its callers (see `Store.mark` and `Store.flush`). */
export interface DeferredCommits {
  mark(): number;
  flush(since?: number): Promise<void>;
}

/** A store that commits every statement as it runs: nothing is deferred, nothing can fail late. */
export const IMMEDIATE_COMMITS: DeferredCommits = {
  mark: () => 0,
  flush: () => Promise.resolve(),
};
