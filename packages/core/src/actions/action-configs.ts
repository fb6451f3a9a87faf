import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { Runtime } from '../runtime.ts';
import { type ActionConfig, assertActionCode, parseActionConfig } from './action-config.ts';
import type { ActionConfigRecord } from './action-port.ts';

/** The configuration an action code has until one is set: allow, no rules. */
export const DEFAULT_ACTION_CONFIG: ActionConfig = Object.freeze({
  defaultOutcome: 'ALLOW',
  rules: [],
}) as ActionConfig;

/**
 * Validates and stores the rules of an action code. The next track on any instance reads them: no
 * instance caches rules.
 *
 * @example
 * await setActionConfig(runtime, { appId, actionCode: 'high-value-transfer', config: JSON.parse(file) });
 */
export async function setActionConfig(
  runtime: Runtime,
  options: { appId: string; actionCode: string; config: unknown },
  context?: RequestContext,
): Promise<ActionConfigRecord> {
  const app = await getApp(runtime, options.appId);
  const actionCode = assertActionCode(options.actionCode);
  const config = parseActionConfig(options.config);
  const stored = await runtime.store.actionConfigs.put({
    appId: app.id,
    actionCode,
    defaultOutcome: config.defaultOutcome,
    rules: config.rules,
    passkeyRequirement: config.passkeyRequirement ?? null,
    updatedAt: runtime.now(),
  });
  await recordEvent(runtime, context, {
    type: 'action_config.updated',
    appId: app.id,
    data: {
      actionCode,
      version: stored.version,
      defaultOutcome: stored.defaultOutcome,
      ruleIds: stored.rules.map((r) => r.ruleId),
      passkeyRequirement: stored.passkeyRequirement ?? null,
    },
  });
  return stored;
}

/**
 * The stored configuration of an action code, or null when none was set (the action then allows).
 *
 * @example
 * const config = await getActionConfig(runtime, { appId, actionCode: 'high-value-transfer' });
 */
export async function getActionConfig(
  runtime: Runtime,
  options: { appId: string; actionCode: string },
): Promise<ActionConfigRecord | null> {
  await getApp(runtime, options.appId);
  return runtime.store.actionConfigs.find(options.appId, assertActionCode(options.actionCode));
}

/** Every configured action code of an app, by code. */
export async function listActionConfigs(
  runtime: Runtime,
  options: { appId: string },
): Promise<ActionConfigRecord[]> {
  await getApp(runtime, options.appId);
  return runtime.store.actionConfigs.list(options.appId);
}
