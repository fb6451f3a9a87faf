/**
 * Each audit event as one sentence a person reads at a glance: who did what, with which passkey,
 * from where. The user is named by the app's own id (and display name), never by latchkey's
 * internal id; the raw event stays one click away in the timeline.
 */
import { stateTone, type Tone } from '../tone.ts';
import type { AuditEvent } from '../types.ts';
import { explainFailure } from './failure-help.ts';

/** What the timeline shows for one event. */
export interface EventSentence {
  text: string;
  tone: Tone;
}

type Describe = (e: AuditEvent) => EventSentence;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * "ada@example.com (Ada Lovelace)", or what is known of a user who is gone. The app's own id is
 * shown as it is (never capitalised); only the words that stand in for it start a sentence.
 */
export function userName(e: AuditEvent, options: { start?: boolean } = {}): string {
  if (e.user) {
    const { external_id: id, display_name: name } = e.user;
    return name && name !== id ? `${id} (${name})` : id;
  }
  const words = e.user_id ? 'a user who no longer exists' : 'someone';
  return options.start ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}
const who = (e: AuditEvent): string => userName(e, { start: true });

/** The passkey as people know it: its provider (iCloud Keychain), else its friendly name. */
function passkeyName(e: AuditEvent): string | null {
  return e.credential?.provider ?? e.credential?.friendly_name ?? text(e.data?.friendlyName);
}

const from = (e: AuditEvent): string => (e.ip ? ` from ${e.ip}` : '');
/** The operator by the name of their token, else its id. */
const operator = (e: AuditEvent): string => e.actor_name ?? e.actor ?? 'an operator';
const by = (e: AuditEvent): string => (e.actor ? ` by operator ${operator(e)}` : '');
const withPasskey = (e: AuditEvent): string => {
  const name = passkeyName(e);
  return name ? ` with ${name}` : ' with a passkey';
};
const actionCode = (e: AuditEvent): string => text(e.data?.actionCode) ?? 'action';
const why = (e: AuditEvent): string => (e.reason ? `: ${explainFailure(e.reason)}` : '');

/** "1 passkey", "2 passkeys". */
const passkeyCount = (n: number): string => `${n} ${n === 1 ? 'passkey' : 'passkeys'}`;
const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** What a recovery will do with the user's other passkeys, as its start said. */
function recoveryPlan(e: AuditEvent): string {
  if (e.data?.revokeOtherPasskeys === false) return 'a new passkey will be added beside the others';
  const held = count(e.data?.passkeys);
  if (held === 0) return 'a new passkey will be their only one';
  return `a new passkey will replace ${held === null ? 'the ones they hold' : `the ${passkeyCount(held)} they hold`}`;
}

/** What a completed recovery did with the user's other passkeys. */
function recoveryOutcome(e: AuditEvent): string {
  if (e.data?.revokeOtherPasskeys === false) return '; the other passkeys were kept';
  const revoked = count(e.data?.revoked);
  if (!revoked) return '';
  const prf = count(e.data?.prfPasskeysRevoked);
  const lost = prf ? ` (${prf} with PRF: what was encrypted with their keys is lost)` : '';
  return `; ${passkeyCount(revoked)} revoked${lost}`;
}

const ok = (s: string): EventSentence => ({ text: s, tone: 'ok' });
const bad = (s: string): EventSentence => ({ text: s, tone: 'bad' });
const warn = (s: string): EventSentence => ({ text: s, tone: 'warn' });
const info = (s: string): EventSentence => ({ text: s, tone: 'info' });

/** What a ceremony was for: a registration, a sign-in, or confirming an action. */
function ceremonyGoal(e: AuditEvent): string {
  if (e.data?.binding === 'action') return `confirm ${actionCode(e)}`;
  return e.data?.kind === 'register' ? 'register a passkey' : 'sign in';
}

/** How a tracked action started, as a past participle: "was challenged". */
const STATE_VERBS: Record<string, string> = {
  ALLOW: 'was allowed',
  BLOCK: 'was blocked',
  CHALLENGE_REQUIRED: 'was challenged',
  CHALLENGE_SUCCEEDED: 'was confirmed with a passkey',
  CHALLENGE_FAILED: 'failed its challenge',
  REVIEW_REQUIRED: 'was sent to review',
  REVIEW_SUCCEEDED: 'was approved in review',
  REVIEW_FAILED: 'was rejected in review',
};
const stateVerb = (state: unknown): string =>
  STATE_VERBS[String(state)] ?? `is ${String(state ?? 'unknown')}`;

/** One sentence builder per audit event type; a test checks every type has one. */
export const SENTENCES: Record<string, Describe> = {
  'app.created': (e) => ok(`App “${text(e.data?.name) ?? e.app_id}” was created${by(e)}`),
  'app.updated': (e) => info(`The app’s settings were changed${by(e)}`),
  'api_key.created': (e) => info(`API key ${text(e.data?.keyId) ?? ''} was created${by(e)}`),
  'api_key.revoked': (e) => warn(`API key ${text(e.data?.keyId) ?? ''} was revoked${by(e)}`),
  'api_key.rejected': (e) => bad(`An API key was refused${from(e)}${why(e)}`),
  'transaction.created': (e) =>
    info(
      `The app’s backend prepared a ${e.data?.kind === 'register' ? 'registration' : 'sign-in'} for ${userName(e)}`,
    ),
  'ceremony.started': (e) =>
    info(
      e.user_id
        ? `${who(e)} started to ${ceremonyGoal(e)}${from(e)}`
        : `Someone started to ${ceremonyGoal(e)} with any passkey${from(e)}`,
    ),
  'ceremony.succeeded': (e) => {
    if (e.data?.binding === 'action')
      return ok(`${who(e)} confirmed ${actionCode(e)}${withPasskey(e)}${from(e)}`);
    if (e.data?.kind === 'register')
      return ok(`${who(e)} registered ${passkeyName(e) ?? 'a passkey'}${from(e)}`);
    return ok(`${who(e)} signed in${withPasskey(e)}${from(e)}`);
  },
  'ceremony.failed': (e) =>
    bad(`An attempt by ${userName(e)} to ${ceremonyGoal(e)} failed${from(e)}${why(e)}`),
  'credential.registered': (e) =>
    ok(`${who(e)} added a passkey (${passkeyName(e) ?? text(e.data?.type) ?? 'unknown model'})`),
  'credential.counter_flagged': (e) => {
    const name = passkeyName(e);
    const counts =
      typeof e.data?.stored === 'number' && typeof e.data?.received === 'number'
        ? ` (${e.data.stored} stored, ${e.data.received} received)`
        : '';
    return warn(
      `${who(e)}’s passkey${name ? ` (${name})` : ''} sent a signature counter that went backwards${counts}: it may be cloned`,
    );
  },
  'credential.revoked': (e) => {
    if (e.actor)
      return warn(
        `Operator ${operator(e)} revoked the passkey ${passkeyName(e) ?? '(unnamed)'} of ${userName(e)}`,
      );
    if (e.reason === 'recovery')
      return warn(
        `The passkey ${passkeyName(e) ?? '(unnamed)'} of ${userName(e)} was revoked by an account recovery`,
      );
    return warn(`${who(e)} revoked a passkey (${passkeyName(e) ?? 'unnamed'})`);
  },
  'nonce.redeemed': (e) =>
    ok(
      `The app’s backend redeemed the ${e.data?.kind === 'register' ? 'registration' : 'sign-in'} result of ${userName(e)}`,
    ),
  'nonce.rejected': (e) =>
    bad(
      `A sign-in or registration result was refused: it was unknown, expired or already used${from(e)}`,
    ),
  'action_config.updated': (e) =>
    info(
      `The rules of ${actionCode(e)} were saved${e.data?.version ? ` as version ${String(e.data.version)}` : ''}${by(e)}`,
    ),
  'action_config.deleted': (e) => warn(`The rules of ${actionCode(e)} were deleted${by(e)}`),
  'action.tracked': (e) => ({
    text: `A ${actionCode(e)} by ${userName(e)} ${stateVerb(e.data?.state)}${e.reason ? ` (${explainFailure(e.reason)})` : ''}`,
    tone: e.reason ? 'bad' : stateTone(String(e.data?.state)),
  }),
  'action.rule_fired': (e) =>
    info(
      `Rule “${text(e.data?.name) ?? text(e.data?.ruleId) ?? '?'}” matched ${actionCode(e)} by ${userName(e)}`,
    ),
  'action.rule_failed': (e) =>
    bad(
      `Rule “${text(e.data?.name) ?? '?'}” could not be evaluated on ${actionCode(e)} by ${userName(e)}${text(e.data?.message) ? `: ${text(e.data?.message)}` : ''}`,
    ),
  'action.state_changed': (e) => ({
    text: `A ${actionCode(e)} by ${userName(e)} ${stateVerb(e.data?.to)}${e.reason ? ` (${e.reason})` : ''}`,
    tone: stateTone(String(e.data?.to)),
  }),
  'action.validated': (e) => ok(`The app’s backend validated ${actionCode(e)} by ${userName(e)}`),
  'action.validation_refused': (e) =>
    bad(`The app’s backend was refused validation of ${actionCode(e)} by ${userName(e)}${why(e)}`),
  'step_up.started': (e) => info(`${who(e)} started to confirm ${actionCode(e)}${from(e)}`),
  'step_up.succeeded': (e) =>
    ok(
      `${who(e)} confirmed ${actionCode(e)} ${e.data?.kind === 'register' ? 'by adding a passkey' : 'with a passkey'}`,
    ),
  'step_up.failed': (e) => bad(`${who(e)} could not confirm ${actionCode(e)}${why(e)}`),
  'step_up_token.rejected': (e) => bad(`A step-up token was refused${from(e)}${why(e)}`),
  'user.updated': (e) => info(`The display name of ${userName(e)} was changed`),
  'user.deleted': (e) =>
    warn(
      `A user was deleted${typeof e.data?.passkeys === 'number' ? `, with ${e.data.passkeys} ${e.data.passkeys === 1 ? 'passkey' : 'passkeys'}` : ''}`,
    ),
  'operator_token.created': (e) =>
    info(
      `Operator token “${text(e.data?.name) ?? ''}” (${text(e.data?.tokenId) ?? '?'}) was created${by(e)}`,
    ),
  'operator_token.revoked': (e) =>
    warn(`Operator token ${text(e.data?.tokenId) ?? '?'} was revoked${by(e)}`),
  'operator.rejected': (e) => bad(`An admin API credential was refused${from(e)}${why(e)}`),
  'operator_session.started': (e) =>
    info(`Operator ${operator(e)} signed in to the console${from(e)}`),
  'operator_session.ended': (e) => info(`Operator ${operator(e)} signed out of the console`),
  'webhook_endpoint.created': (e) =>
    info(`A webhook endpoint was added for ${text(e.data?.url) ?? 'an address'}${by(e)}`),
  'webhook_endpoint.updated': (e) =>
    info(
      `The webhook endpoint ${text(e.data?.url) ?? text(e.data?.endpointId) ?? ''} was ${e.data?.enabled === false ? 'turned off' : 'changed'}${by(e)}`,
    ),
  'webhook_endpoint.removed': (e) =>
    warn(`Webhook endpoint ${text(e.data?.endpointId) ?? '?'} was removed${by(e)}`),
  'webhook_secret.rotated': (e) =>
    info(
      `The signing secret of webhook endpoint ${text(e.data?.endpointId) ?? '?'} was rotated${by(e)}`,
    ),
  'webhook.redelivered': (e) =>
    info(`Webhook delivery ${text(e.data?.deliveryId) ?? '?'} was sent again${by(e)}`),
  'authenticator_metadata.loaded': (e) =>
    info(
      `FIDO authenticator metadata${typeof e.data?.serial === 'number' ? ` no. ${e.data.serial}` : ''} was loaded${by(e)}`,
    ),
  'passkeys.exported': (e) => info(`The app’s users and passkeys were exported${by(e)}`),
  'passkeys.imported': (e) =>
    ok(
      `${typeof e.data?.passkeysImported === 'number' ? e.data.passkeysImported : 'Some'} passkeys and ${typeof e.data?.usersCreated === 'number' ? e.data.usersCreated : 'some'} new users were imported${typeof e.data?.skipped === 'number' && e.data.skipped > 0 ? `, ${e.data.skipped} entries skipped` : ''}${by(e)}`,
    ),
  'recovery.started': (e) =>
    warn(`The app’s backend started an account recovery for ${userName(e)}: ${recoveryPlan(e)}`),
  'recovery.completed': (e) =>
    warn(
      `${who(e)} recovered their account with ${passkeyName(e) ?? 'a new passkey'}${from(e)}${recoveryOutcome(e)}`,
    ),
  'signing_key.rotated': (e) =>
    info(
      `The session-token signing key was rotated${by(e)}; ${typeof e.data?.retired === 'number' ? e.data.retired : 'the'} previous ${e.data?.retired === 1 ? 'key stays' : 'keys stay'} published for ${typeof e.data?.overlapSeconds === 'number' ? `${e.data.overlapSeconds} s` : 'the overlap'}`,
    ),
};

/**
 * The sentence of one audit event. An event type this console does not know yet (a newer server)
 * still reads as its type and reason.
 *
 * @example
 * describeEvent(event).text; // "ada@example.com signed in with iCloud Keychain from 203.0.113.7"
 */
export function describeEvent(event: AuditEvent): EventSentence {
  const describe = SENTENCES[event.type];
  if (describe) return describe(event);
  return { text: `${event.type}${event.reason ? ` (${event.reason})` : ''}`, tone: 'info' };
}
