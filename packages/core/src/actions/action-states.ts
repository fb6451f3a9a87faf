/**
 * The closed vocabularies of tracked actions: their states, the outcomes rules decide, and the
 * forward-only transitions between states.
 */

/** The state of a tracked action, as the Authsignal SDKs name them (`UserActionState`). */
export const ACTION_STATES = [
  'ALLOW',
  'BLOCK',
  'CHALLENGE_REQUIRED',
  'CHALLENGE_SUCCEEDED',
  'CHALLENGE_FAILED',
  'REVIEW_REQUIRED',
  'REVIEW_SUCCEEDED',
  'REVIEW_FAILED',
] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** What a rule (or an action's default) decides. */
export const RULE_OUTCOMES = ['ALLOW', 'CHALLENGE', 'REVIEW', 'BLOCK'] as const;
export type RuleOutcome = (typeof RULE_OUTCOMES)[number];

/** The state a freshly tracked action starts in, per outcome. */
export const OUTCOME_STATES = {
  ALLOW: 'ALLOW',
  CHALLENGE: 'CHALLENGE_REQUIRED',
  REVIEW: 'REVIEW_REQUIRED',
  BLOCK: 'BLOCK',
} as const satisfies Record<RuleOutcome, ActionState>;

/**
 * The only moves an action's state can make. Every one goes forward: a required challenge or
 * review is met or failed, once. An allowed action may still be verified with a passkey (an
 * enrollment, or an app that asks for more than its rules required), which ends it as
 * CHALLENGE_SUCCEEDED. Nothing leaves a final state.
 */
export const ACTION_TRANSITIONS = {
  ALLOW: ['CHALLENGE_SUCCEEDED'],
  BLOCK: [],
  CHALLENGE_REQUIRED: ['CHALLENGE_SUCCEEDED', 'CHALLENGE_FAILED'],
  CHALLENGE_SUCCEEDED: [],
  CHALLENGE_FAILED: [],
  REVIEW_REQUIRED: ['REVIEW_SUCCEEDED', 'REVIEW_FAILED'],
  REVIEW_SUCCEEDED: [],
  REVIEW_FAILED: [],
} as const satisfies Record<ActionState, readonly ActionState[]>;

/**
 * Whether an action may move from one state to another.
 *
 * @example
 * canTransition('CHALLENGE_REQUIRED', 'CHALLENGE_SUCCEEDED') // true
 * canTransition('CHALLENGE_FAILED', 'CHALLENGE_SUCCEEDED')   // false
 */
export function canTransition(from: ActionState, to: ActionState): boolean {
  return (ACTION_TRANSITIONS[from] as readonly ActionState[]).includes(to);
}

/** States in which a passkey ceremony may still be run for the action. */
export const CEREMONY_STATES: readonly ActionState[] = ['ALLOW', 'CHALLENGE_REQUIRED'];

/** Scopes a step-up token may carry. */
export const TOKEN_SCOPES = ['add:authenticators'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Verification methods latchkey performs, in the SDKs' names. */
export const VERIFICATION_METHODS = ['PASSKEY'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** The action code a passkey sign-in without a tracked action is recorded under. */
export const SIGN_IN_ACTION_CODE = 'signInWithPasskey';

/** Action codes: what a URL path segment and a CLI flag can carry without surprises. */
export const ACTION_CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Whether a string is a valid action state. */
export function isActionState(value: unknown): value is ActionState {
  return typeof value === 'string' && (ACTION_STATES as readonly string[]).includes(value);
}
