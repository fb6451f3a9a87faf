/**
 * Write-behind for PostgreSQL: the writes whose outcome no caller waits for (an audit event, its
 * webhook deliveries, a new ceremony, transaction or nonce, each under a fresh random key) are
 * held until the end of the event-loop turn, then sent together as one statement, each one a
 * data-modifying `WITH` clause of it. The server awaits {@link WriteBehind.flush} before it
 * answers any request, so nothing is acknowledged before it is committed.
 *
 * Why: on PostgreSQL every statement is a network round trip, and a request's writes were most of
 * its statements; the requests of one turn now share one. And because one statement is one
 * transaction, an audit event and its webhook deliveries are committed together or not at all.
 *
 * What it does not change: statements whose result a caller needs (a lookup, a single-use
 * consumption, an insert that may conflict) run at once, as before. A held write is never read
 * back before the answer that carries its key leaves, so no request can miss one it needs.
 *
 * If the statement fails, none of its writes is kept and every request of that turn waiting in
 * `flush` fails (the server answers 503), as with SQLite's grouped commits.
 */

/** A held write: its SQL (with `$n` parameters) and their values. */
interface HeldWrite {
  sql: string;
  parameters: readonly unknown[];
}

interface Batch {
  writes: HeldWrite[];
  parameterCount: number;
  /** Settles once the batch's statement has committed (or failed). */
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

/** PostgreSQL accepts at most 65,535 parameters in one statement; a batch stays well below. */
const MAX_PARAMETERS = 30_000;
/** Writes per statement, to keep one statement's size and planning bounded. */
const MAX_WRITES = 500;

/** Sends one statement. */
export type SendStatement = (sql: string, parameters: unknown[]) => Promise<unknown>;

/** The write-behind of one PostgreSQL handle. */
export interface WriteBehind {
  /** Holds a write until the end of the turn. */
  hold(sql: string, parameters: readonly unknown[]): void;
  /** Resolves once every write held so far is committed; rejects if its statement failed. */
  flush(): Promise<void>;
}

/**
 * @example
 * const writes = writeBehind((sql, parameters) => pool.query(sql, parameters));
 * writes.hold('insert into audit_events (id) values ($1)', ['e1']);
 * await writes.flush(); // committed
 */
export function writeBehind(send: SendStatement): WriteBehind {
  let open: Batch | null = null;
  const sending = new Set<Promise<void>>();

  const newBatch = (): Batch => {
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody may be waiting (a write held outside a request); its failure is still reported to
    // whoever flushes.
    done.catch(() => {});
    const batch: Batch = { writes: [], parameterCount: 0, done, settle };
    setImmediate(() => dispatch(batch));
    return batch;
  };

  const dispatch = (batch: Batch): void => {
    if (open === batch) open = null;
    const { sql, parameters } = combine(batch.writes);
    const sent = send(sql, parameters).then(
      () => batch.settle(),
      (error: unknown) => batch.settle(error),
    );
    sending.add(batch.done);
    void sent.finally(() => sending.delete(batch.done));
  };

  return {
    hold(sql, parameters) {
      if (
        open &&
        (open.writes.length >= MAX_WRITES ||
          open.parameterCount + parameters.length > MAX_PARAMETERS)
      ) {
        const full = open;
        open = null;
        dispatch(full);
      }
      open ??= newBatch();
      open.writes.push({ sql, parameters });
      open.parameterCount += parameters.length;
    },
    async flush() {
      const waits = [...sending];
      if (open) waits.push(open.done);
      await Promise.all(waits);
    },
  };
}

/**
 * One statement of several writes: every write but the last becomes a `WITH` clause, the last is
 * the main statement, and each write's `$n` are renumbered after those before it.
 */
export function combine(writes: readonly HeldWrite[]): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const parts = writes.map((write) => {
    const sql = renumber(write.sql, parameters.length);
    parameters.push(...write.parameters);
    return sql;
  });
  if (parts.length === 1) return { sql: parts[0] as string, parameters };
  const last = parts.pop() as string;
  const clauses = parts.map((sql, i) => `w${i} AS (${sql})`).join(', ');
  return { sql: `WITH ${clauses} ${last}`, parameters };
}

/**
 * Adds `offset` to every `$n` parameter of `sql`, leaving quoted strings and identifiers alone.
 */
export function renumber(sql: string, offset: number): string {
  if (offset === 0) return sql;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      // A quoted string or identifier, with its doubled quotes, is copied as it is.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j] as string)) j++;
      out += `$${Number(sql.slice(i + 1, j)) + offset}`;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
