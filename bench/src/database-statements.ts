/**
 * The database statements a latchkey server has sent, from its Prometheus counter at `/metrics`
 * (one per statement; on PostgreSQL each is a network round trip). Servers without the counter
 * read as null, so that the report says "n/a" rather than a made-up figure.
 */

/** The counter's name. */
export const STATEMENTS_METRIC = 'latchkey_database_statements_total';

/**
 * The sum of the counter's samples (over any labels) in a Prometheus text exposition; null when
 * the text has none.
 *
 * @example
 * statementsIn('latchkey_database_statements_total 42\n'); // 42
 */
export function statementsIn(exposition: string): number | null {
  let total: number | null = null;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(STATEMENTS_METRIC)) continue;
    const rest = line.slice(STATEMENTS_METRIC.length);
    // The name must end here: `…_total_created` or a longer name is another series.
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(
      rest
        .slice(rest.lastIndexOf('}') + 1)
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * Reads the server's count now.
 *
 * @example
 * const before = await readStatements('http://127.0.0.1:8080');
 */
export async function readStatements(baseUrl: string): Promise<number | null> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) return null;
  return statementsIn(await response.text());
}
