/** Display helpers. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** A time for people, or a dash. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateTime.format(new Date(iso));
}

/** "3 minutes ago" style, for last-used columns. */
export function ago(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  const units: Array<[number, string]> = [
    [60, 'minute'],
    [3600, 'hour'],
    [86_400, 'day'],
  ];
  let label = '';
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      label = `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return label;
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** A time for a narrow column: the date, and the time of day to put under it. */
export function whenParts(iso: string): { date: string; time: string } {
  const at = new Date(iso);
  return { date: dateOnly.format(at), time: timeOnly.format(at) };
}
