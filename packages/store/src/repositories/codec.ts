/**
 * Conversions between record values and column values that both dialects store the same way:
 * booleans as 0/1 integers and structured values as JSON text.
 */

/** A boolean as a 0/1 integer column value. */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

/** A 0/1 integer column value as a boolean. */
export function fromFlag(value: number): boolean {
  return Number(value) === 1;
}

/** A value as JSON text. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** JSON text written by `toJson`, as the type it was written from. */
export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Whether an UPDATE or DELETE result touched at least one row. */
export function touched(count: bigint | undefined): boolean {
  return count !== undefined && count > 0n;
}
