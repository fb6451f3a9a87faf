/** Tracked actions and their configurations: the records and ports. See `store-port.ts` for what every port promises. */
import type { PasskeyRequirement } from '../authenticators/passkey-requirement.ts';
import type { ActionRule } from './action-config.ts';
import type { ActionState, RuleOutcome } from './action-states.ts';

/** The stored configuration of one action code of an app. */
export interface ActionConfigRecord {
  appId: string;
  actionCode: string;
  defaultOutcome: RuleOutcome;
  rules: ActionRule[];
  /** What the passkey that meets a challenge of this code must be; null or absent: any. */
  passkeyRequirement?: PasskeyRequirement | null;
  /** Starts at 1 and grows by one with every change. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A rule as it fired for an action: kept with the action, so later edits do not rewrite history. */
export interface FiredRule {
  ruleId: string;
  name: string;
  description: string | null;
}

/** One tracked action. */
export interface ActionRecord {
  id: string;
  appId: string;
  userId: string;
  actionCode: string;
  /** Unique per (app, user, action code). */
  idempotencyKey: string;
  state: ActionState;
  /** The tracked attributes as received (the body of `track`). */
  attributes: Record<string, unknown>;
  /** The custom attributes, the ones a step-up challenge commits to. */
  custom: Record<string, string | number | boolean>;
  /** SHA-256 (hex) of the canonical JSON of `custom`; null when there were none. */
  attributesHash: string | null;
  /** SHA-256 (hex) of the canonical JSON of `attributes`: tells a replay from a reused key. */
  requestHash: string;
  rules: FiredRule[];
  ipAddress: string | null;
  userAgent: string | null;
  deviceId: string | null;
  /** The credential (device id) that verified the action, where one did. */
  verifiedByCredentialId: string | null;
  createdAt: number;
  updatedAt: number;
  stateUpdatedAt: number;
  /** When the app's backend validated the result; a result is validated once. */
  validatedAt: number | null;
  /**
   * What the passkey that meets this action's challenge must be: its action code's requirement
   * and the track's own, as they were at track time; null or absent: any of the user's passkeys.
   */
  passkeyRequirement?: PasskeyRequirement | null;
}

/** One recorded change of an action's state (the first has `fromState` null). */
export interface ActionStateChangeRecord {
  id: string;
  appId: string;
  actionId: string;
  fromState: ActionState | null;
  toState: ActionState;
  at: number;
  ruleIds: string[];
  credentialId: string | null;
  reason: string | null;
}

export interface ActionConfigsPort {
  /** Inserts or replaces the configuration of an action code, one version up. Returns it as stored. */
  put(config: Omit<ActionConfigRecord, 'version' | 'createdAt'>): Promise<ActionConfigRecord>;
  find(appId: string, actionCode: string): Promise<ActionConfigRecord | null>;
  list(appId: string): Promise<ActionConfigRecord[]>;
}

export interface ActionsPort {
  /**
   * Inserts the action unless one with its (app, user, action code, idempotency key) exists, and
   * returns the stored one. Safe under concurrent calls: all callers get the same row, and exactly
   * one of them `created` it.
   */
  insertOrGet(action: ActionRecord): Promise<{ action: ActionRecord; created: boolean }>;
  findById(appId: string, id: string): Promise<ActionRecord | null>;
  findByKey(
    appId: string,
    userId: string,
    actionCode: string,
    idempotencyKey: string,
  ): Promise<ActionRecord | null>;
  /** A user's actions, newest first. */
  listByUser(
    appId: string,
    userId: string,
    filter: { since?: number; codes?: string[]; state?: ActionState; limit: number },
  ): Promise<ActionRecord[]>;
  /**
   * Moves the action from `from` to `to` in one conditional statement. Returns the updated action,
   * or null when it was not in `from` any more (someone else moved it first).
   */
  transition(
    appId: string,
    id: string,
    change: { from: ActionState; to: ActionState; at: number; credentialId: string | null },
  ): Promise<ActionRecord | null>;
  /** Sets validatedAt where unset. Returns whether this call did. */
  markValidated(appId: string, id: string, at: number): Promise<boolean>;
  /** Whether another action of the user was tracked with this device id or IP address. */
  seenBefore(
    appId: string,
    userId: string,
    what: { deviceId: string } | { ipAddress: string },
  ): Promise<boolean>;
  appendChange(change: ActionStateChangeRecord): Promise<void>;
  /** An action's state changes, oldest first. */
  listChanges(appId: string, actionId: string): Promise<ActionStateChangeRecord[]>;
}
