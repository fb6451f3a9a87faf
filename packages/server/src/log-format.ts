/**
 * The two ways `latchkey serve` writes its logs: JSON lines (pino's own, for collectors) and short
 * text lines for a person at a terminal.
 */

/** The log formats `--log-format` and `LATCHKEY_LOG_FORMAT` accept. */
export const LOG_FORMATS = ['text', 'json'] as const;
/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** pino's numeric levels, by the name a person reads. */
const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every pino line carries that the text line shows in its own place, or not at all. */
const OWN_PLACE = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

function clock(time: unknown): string {
  return typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '--:--:--';
}

function field(key: string, value: unknown): string {
  return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/**
 * One pino JSON line as text: `HH:MM:SS LEVEL message key=value …` (UTC). A line that is not JSON
 * is passed on as it is.
 *
 * @example
 * textLogLine('{"level":30,"time":0,"msg":"shutting down","signal":"SIGINT"}')
 * // '00:00:00 INFO  shutting down signal=SIGINT'
 */
export function textLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  if (typeof entry !== 'object' || entry === null) return line.trimEnd();
  const level = LEVEL_NAMES[entry.level as number] ?? String(entry.level);
  const rest = Object.entries(entry)
    .filter(([key]) => !OWN_PLACE.has(key))
    .map(([key, value]) => field(key, value));
  return [clock(entry.time), level.padEnd(5), String(entry.msg ?? ''), ...rest].join(' ').trimEnd();
}

/**
 * A stream for pino that writes each line as {@link textLogLine} to `out`.
 *
 * @example
 * Fastify({ logger: { level: 'info', stream: textLogStream(process.stdout) } });
 */
export function textLogStream(out: NodeJS.WritableStream): { write(chunk: string): void } {
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${textLogLine(line)}\n`);
    },
  };
}
