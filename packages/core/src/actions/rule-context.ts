import type { AppRecord } from '../apps/app-port.ts';
import { passkeyFacts } from '../authenticators/passkey-requirement.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import type { Runtime } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { RuleContext } from './rule-variables.ts';

/**
 * Gathers what a rule may read about a tracked action: its attributes, and what the store knows
 * about the user (passkeys, when one last verified, whether the device and IP were seen before).
 */
export async function buildRuleContext(
  runtime: Runtime,
  options: {
    app: AppRecord;
    user: UserRecord;
    isNewUser: boolean;
    actionCode: string;
    attributes: {
      custom: Record<string, string | number | boolean>;
      ipAddress: string | null;
      userAgent: string | null;
      deviceId: string | null;
      username: string | null;
      email: string | null;
    };
    phoneNumber: string | null;
  },
): Promise<RuleContext> {
  const { app, user, attributes } = options;
  const credentials = await runtime.store.credentials.listByUser(app.id, user.id);
  const lastVerified = credentials.reduce<number | null>(
    (latest, c) =>
      c.lastUsedAt !== null && (latest === null || c.lastUsedAt > latest) ? c.lastUsedAt : latest,
    null,
  );
  const isNewDevice =
    attributes.deviceId === null
      ? null
      : !(await runtime.store.actions.seenBefore(app.id, user.id, {
          deviceId: attributes.deviceId,
        }));
  const isNewIpAddress =
    attributes.ipAddress === null
      ? null
      : !(await runtime.store.actions.seenBefore(app.id, user.id, {
          ipAddress: attributes.ipAddress,
        }));
  return {
    custom: attributes.custom,
    actionCode: options.actionCode,
    ipAddress: attributes.ipAddress,
    ip: attributes.ipAddress,
    userAgent: attributes.userAgent,
    deviceId: attributes.deviceId,
    email: attributes.email,
    phoneNumber: options.phoneNumber,
    username: attributes.username,
    isNewUser: options.isNewUser,
    isNewDevice,
    isNewIpAddress,
    isEnrolled: credentials.length > 0,
    passkeyCount: credentials.length,
    secondsSinceLastVerified:
      lastVerified === null ? null : Math.max(0, Math.floor((runtime.now() - lastVerified) / 1000)),
    passkeys: passkeyVariables(credentials, runtime.now()),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `passkeys.*` rule variables: what the user's passkeys are, not only how many. */
function passkeyVariables(credentials: CredentialRecord[], now: number): RuleContext['passkeys'] {
  const facts = credentials.map(passkeyFacts);
  const newest = credentials.reduce<number | null>(
    (latest, c) => (latest === null || c.createdAt > latest ? c.createdAt : latest),
    null,
  );
  return {
    count: credentials.length,
    anyDeviceBound: facts.some((f) => f.deviceBound),
    anySynced: facts.some((f) => !f.deviceBound),
    anyAttested: facts.some((f) => f.attested),
    newestAgeDays: newest === null ? null : Math.max(0, Math.floor((now - newest) / DAY_MS)),
  };
}
