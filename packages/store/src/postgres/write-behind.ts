/**
 * Write-behind for PostgreSQL: the writes whose outcome no caller waits for (an audit event, its
 * webhook deliveries, a new ceremony, transaction or nonce, each under a fresh random key) are
 * held, then sent ahead of the next statement that goes to the database anyway, as data-modifying
 * `WITH` clauses of it; what no statement has carried by the end of the event-loop turn is sent
 * then, as one statement. The server awaits {@link WriteBehind.flush} before it answers any
 * request, so nothing is acknowledged before it is committed.
 *
 * Why: on PostgreSQL every statement is a network round trip, and a request's writes were most of
 * its statements. Carried by the reads that requests make anyway, they cost no round trip of their
 * own. And because one statement is one transaction, an audit event and its webhook deliveries are
 * committed together or not at all.
 *
 * Why it is safe: a held write is never read back before the answer that carries its key leaves,
 * so the statement that carries it (which does not see the rows it writes) never needs them.
 * Statements whose result a caller needs (a lookup, a single-use consumption, an insert that may
 * conflict, every update) are never held. If a carrying statement fails, the writes it carried are
 * sent again on their own; if that fails too, none of them is kept and every request waiting in
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
  /** Taken by a statement that carries it, or sent on its own. */
  taken: boolean;
  /** Settles once the statement carrying the batch has committed (or failed). */
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

/** PostgreSQL accepts at most 65,535 parameters in one statement; a batch stays well below. */
const MAX_PARAMETERS = 30_000;
/** Writes per statement, to keep one statement's size and planning bounded. */
const MAX_WRITES = 500;

/** Sends one statement. */
export type SendStatement = (sql: string, parameters: unknown[]) => Promise<unknown>;

/** A statement that carries the held writes ahead of its own work, and what to say of it. */
export interface Carrier {
  sql: string;
  parameters: unknown[];
  /** The statement committed: so did the writes it carried. */
  committed(): void;
  /** The statement failed: its writes are sent again on their own. */
  failed(): void;
}

/** The write-behind of one PostgreSQL handle. */
export interface WriteBehind {
  /** Holds a write until a statement carries it, or the turn ends. */
  hold(sql: string, parameters: readonly unknown[]): void;
  /**
   * Makes `sql` carry the writes held so far, as `WITH` clauses ahead of it; null when none are
   * held (or they would not fit). The statement does not see the rows they write: it needs none of
   * them (see the module comment).
   */
  carry(sql: string, parameters: readonly unknown[]): Carrier | null;
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

  const take = (batch: Batch): Batch => {
    if (open === batch) open = null;
    batch.taken = true;
    sending.add(batch.done);
    void batch.done.catch(() => {}).finally(() => sending.delete(batch.done));
    return batch;
  };

  const sendAlone = (batch: Batch): void => {
    const { sql, parameters } = combine(batch.writes);
    send(sql, parameters).then(
      () => batch.settle(),
      (error: unknown) => batch.settle(error),
    );
  };

  const newBatch = (): Batch => {
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody may be waiting (a write held outside a request); its failure is still reported to
    // whoever flushes.
    done.catch(() => {});
    const batch: Batch = { writes: [], parameterCount: 0, taken: false, done, settle };
    // Whatever no statement carried by the end of the turn is sent on its own.
    setImmediate(() => {
      if (!batch.taken) sendAlone(take(batch));
    });
    return batch;
  };

  return {
    hold(sql, parameters) {
      if (
        open &&
        (open.writes.length >= MAX_WRITES ||
          open.parameterCount + parameters.length > MAX_PARAMETERS)
      ) {
        sendAlone(take(open));
      }
      open ??= newBatch();
      open.writes.push({ sql, parameters });
      open.parameterCount += parameters.length;
    },
    carry(sql, parameters) {
      const batch = open;
      if (!batch || batch.parameterCount + parameters.length > MAX_PARAMETERS) return null;
      take(batch);
      const combined = combine([...batch.writes, { sql, parameters }]);
      return {
        ...combined,
        committed: () => batch.settle(),
        failed: () => sendAlone(batch),
      };
    },
    async flush() {
      const waits = [...sending];
      if (open) waits.push(open.done);
      await Promise.all(waits);
    },
  };
}

/**
 * One statement of several: every one but the last becomes a `WITH` clause, the last is the main
 * statement (a write, or a statement that carries the writes), and each one's `$n` are renumbered
 * after those before it.
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
  // A last statement with clauses of its own keeps them, after ours.
  const own = /^\s*with\s+(?!recursive\b)/i.exec(last);
  if (own) return { sql: `WITH ${clauses}, ${last.slice(own[0].length)}`, parameters };
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
