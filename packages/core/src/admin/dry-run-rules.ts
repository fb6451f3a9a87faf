import {
  type ActionConfig,
  type ActionRule,
  assertActionCode,
  parseActionConfig,
} from '../actions/action-config.ts';
import { DEFAULT_ACTION_CONFIG } from '../actions/action-configs.ts';
import { type ActionState, OUTCOME_STATES, type RuleOutcome } from '../actions/action-states.ts';
import { evaluateRules, type FailedRule } from '../actions/evaluate-rules.ts';
import { buildRuleContext } from '../actions/rule-context.ts';
import type { RuleContext } from '../actions/rule-variables.ts';
import { getApp } from '../apps/get-app.ts';
import { DEFAULT_POLICY } from '../apps/policy.ts';
import type { Runtime } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { UserRecord } from '../users/user-port.ts';

/** The attributes a dry run pretends were tracked. */
export interface DryRunAttributes {
  custom?: Record<string, string | number | boolean>;
  ipAddress?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
  username?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
}

/** Options for {@link dryRunRules}. */
export interface DryRunOptions {
  appId: string;
  actionCode: string;
  /** The user to pretend to track for; unknown or absent means a brand-new user. */
  externalId?: string;
  attributes: DryRunAttributes;
  /** Rules to try instead of the stored ones (an unsaved edit); validated like a real save. */
  config?: unknown;
}

/** What a dry run found: what a real track with these attributes would decide now. */
export interface DryRunResult {
  outcome: RuleOutcome;
  state: ActionState;
  /** The rule that decides, or null when the default applies. */
  decidingRule: ActionRule | null;
  fired: ActionRule[];
  /** Rules that could not be evaluated: when any did, the result is an error, not a pass. */
  failed: FailedRule[];
  /** True when a failed rule made the outcome the app's `onRuleError` one. */
  ruleErrorApplied: boolean;
  /** The data the conditions were evaluated against. */
  context: RuleContext;
  userKnown: boolean;
  /** The stored configuration's version, or null when unsaved rules or none were used. */
  configVersion: number | null;
}

/**
 * Answers "given these attributes for this user, which rule fires and what outcome?" with the same
 * context and evaluation a real track uses, writing nothing: no action, no audit event, no token.
 *
 * @example
 * const { outcome, decidingRule } = await dryRunRules(runtime, { appId, actionCode: 'transfer',
 *   externalId: 'u1', attributes: { custom: { amount: 9000 } } });
 */
export async function dryRunRules(runtime: Runtime, options: DryRunOptions): Promise<DryRunResult> {
  const app = await getApp(runtime, options.appId);
  const actionCode = assertActionCode(options.actionCode);
  let config: ActionConfig;
  let configVersion: number | null = null;
  if (options.config === undefined) {
    const stored = await runtime.store.actionConfigs.find(app.id, actionCode);
    config = stored ?? DEFAULT_ACTION_CONFIG;
    configVersion = stored?.version ?? null;
  } else {
    config = parseActionConfig(options.config);
  }
  const known = options.externalId
    ? await runtime.store.users.findByExternalId(app.id, assertExternalId(options.externalId))
    : null;
  const now = runtime.now();
  // A user that does not exist yet: no passkeys, nothing seen before, as a first track would find.
  const user: UserRecord = known ?? {
    id: `dry-run:${options.externalId ?? ''}`,
    appId: app.id,
    externalId: options.externalId ?? '',
    displayName: '',
    webauthnUserId: '',
    status: 'active',
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    loginCount: 0,
  };
  const a = options.attributes;
  const context = await buildRuleContext(runtime, {
    app,
    user,
    isNewUser: known === null,
    actionCode,
    attributes: {
      custom: a.custom ?? {},
      ipAddress: a.ipAddress ?? null,
      userAgent: a.userAgent ?? null,
      deviceId: a.deviceId ?? null,
      username: a.username ?? null,
      email: a.email ?? null,
    },
    phoneNumber: a.phoneNumber ?? null,
  });
  const decision = evaluateRules(
    config,
    context,
    app.policy.onRuleError ?? DEFAULT_POLICY.onRuleError,
  );
  return {
    outcome: decision.outcome,
    state: OUTCOME_STATES[decision.outcome],
    // When a failed rule decided, no rule that held did.
    decidingRule: decision.ruleErrorApplied ? null : (decision.fired[0] ?? null),
    fired: decision.fired,
    failed: decision.failed,
    ruleErrorApplied: decision.ruleErrorApplied,
    context,
    userKnown: known !== null,
    configVersion,
  };
}
