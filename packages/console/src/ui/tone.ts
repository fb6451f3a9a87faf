/**
 * One colour per meaning, the same on every badge, tile, timeline dot and chart: green for what
 * succeeded or was allowed, red for a refusal or failure, amber for what needs attention (a
 * challenge, a review, a warning), grey for neutral facts.
 */
export const TONES = ['ok', 'bad', 'warn', 'info'] as const;
export type Tone = (typeof TONES)[number];

/** The chart colours of the tones (the CSS variables `--lk-ok` etc. hold the same). */
export const TONE_COLOURS: Record<Tone, string> = {
  ok: '#1f8a5b',
  bad: '#c43030',
  warn: '#d99a00',
  info: '#8a94a6',
};

/** Rule outcomes and action states, by what they mean for the user's action. */
const STATE_TONES: Record<string, Tone> = {
  ALLOW: 'ok',
  CHALLENGE: 'warn',
  REVIEW: 'warn',
  BLOCK: 'bad',
  CHALLENGE_REQUIRED: 'warn',
  CHALLENGE_SUCCEEDED: 'ok',
  CHALLENGE_FAILED: 'bad',
  REVIEW_REQUIRED: 'warn',
  REVIEW_SUCCEEDED: 'ok',
  REVIEW_FAILED: 'bad',
};

/** The tone of a rule outcome or action state; anything else is neutral. */
export function stateTone(value: string): Tone {
  return STATE_TONES[value] ?? 'info';
}
