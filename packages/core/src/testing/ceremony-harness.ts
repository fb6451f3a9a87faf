/**
 * What the core's own ceremony tests run on: a real store (SQLite in memory, through
 * `@latchkey/store`), a fixed clock the test moves, seeded randomness, one app, and the software
 * authenticator. Nothing of the core is replaced.
 */
import { createHash } from 'node:crypto';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from '@latchkey/authenticator';
import { openStore, type SqlStore } from '@latchkey/store';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AppRecord } from '../apps/app-port.ts';
import { createApp } from '../apps/create-app.ts';
import type { AppPolicy } from '../apps/policy.ts';
import { burnCeremony, type ExpectedBinding } from '../ceremonies/burn-ceremony.ts';
import type { CeremonyBinding, CeremonyKind, CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import { issueCeremony } from '../ceremonies/issue-ceremony.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { finishRegistration } from '../registration/finish-registration.ts';
import { startRegistration } from '../registration/start-registration.ts';
import { createRuntime, type Runtime, toBase64Url } from '../runtime.ts';
import { createTransaction } from '../transactions/create-transaction.ts';
import type { UserRecord } from '../users/user-port.ts';

/** The fixed start of every test's clock. */
export const T0 = Date.UTC(2026, 0, 1);

/** Deterministic bytes: SHA-256 of a seed and a counter, as many as asked. */
export function seededRandomBytes(seed: string): (size: number) => Uint8Array {
  let counter = 0;
  return (size) => {
    const out = new Uint8Array(size);
    for (let filled = 0; filled < size; filled += 32) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, size - filled)), filled);
    }
    return out;
  };
}

/** One test's world. */
export interface CeremonyHarness {
  runtime: Runtime;
  /** The same store with its SQL handle, to look at rows no port reads. */
  sql: SqlStore;
  app: AppRecord;
  origin: string;
  /** Moves the clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Opens a fresh store and app with `policy` over the defaults. */
export async function openHarness(policy: Partial<AppPolicy> = {}): Promise<CeremonyHarness> {
  const store = await openStore({ url: 'sqlite::memory:' });
  let now = T0;
  const runtime = createRuntime({
    store,
    now: () => now,
    randomBytes: seededRandomBytes(`harness-${Math.random()}`),
  });
  const origin = 'https://bank.example';
  const { app } = await createApp(runtime, { name: 'Bank', origins: [origin], policy });
  return {
    runtime,
    sql: store,
    app,
    origin,
    advance: (ms) => {
      now += ms;
    },
    close: () => store.close(),
  };
}

/** A user with one passkey, registered through the flex flow, and the authenticator holding it. */
export async function registeredUser(
  h: CeremonyHarness,
  externalId: string,
  authenticatorOptions: SoftwareAuthenticatorOptions = {},
): Promise<{
  user: UserRecord;
  credential: CredentialRecord;
  authenticator: SoftwareAuthenticator;
}> {
  const authenticator = new SoftwareAuthenticator(authenticatorOptions);
  const tx = await createTransaction(h.runtime, { appId: h.app.id, kind: 'register', externalId });
  const started = await startRegistration(h.runtime, { appId: h.app.id, transactionId: tx.id });
  const response = await authenticator.createCredential({
    options: started.options,
    origin: h.origin,
  });
  const { credential } = await finishRegistration(h.runtime, {
    appId: h.app.id,
    ceremonyId: started.ceremonyId,
    transactionId: tx.id,
    response,
  });
  const user = await h.runtime.store.users.findById(h.app.id, credential.userId);
  if (!user) throw new Error('registered user not found');
  return { user, credential, authenticator };
}

/** Issues a ceremony with a fresh challenge (or the one given). */
export function ceremony(
  h: CeremonyHarness,
  options: {
    kind: CeremonyKind;
    userId: string | null;
    binding?: CeremonyBinding;
    userVerificationRequired?: boolean;
    challenge?: string;
  },
): Promise<CeremonyRecord> {
  return issueCeremony(h.runtime, {
    app: h.app,
    kind: options.kind,
    challenge: options.challenge ?? toBase64Url(h.runtime.randomBytes(32)),
    userId: options.userId,
    binding: options.binding ?? { type: 'none' },
    userVerificationRequired: options.userVerificationRequired ?? true,
  });
}

/** Burns a ceremony as a flex finish without a transaction would (or as `expected` says). */
export function burn(
  h: CeremonyHarness,
  issued: CeremonyRecord,
  expected: ExpectedBinding = { type: 'transaction', transactionId: null },
): Promise<CeremonyRecord> {
  return burnCeremony(h.runtime, {
    appId: h.app.id,
    ceremonyId: issued.id,
    kind: issued.kind,
    expected,
  });
}

/** The authenticator's assertion for an authenticate ceremony. */
export function assertionFor(
  h: CeremonyHarness,
  authenticator: SoftwareAuthenticator,
  issued: CeremonyRecord,
  overrides: Parameters<SoftwareAuthenticator['getAssertion']>[0]['overrides'] = undefined,
): Promise<AuthenticationResponseJSON> {
  return authenticator.getAssertion({
    options: {
      challenge: issued.challenge,
      rpId: h.app.rpId,
      userVerification: issued.userVerificationRequired ? 'required' : 'preferred',
    },
    origin: h.origin,
    ...(overrides ? { overrides } : {}),
  });
}

/** A predicate for `assert.rejects`: a LatchkeyError with this code and reason. */
export function refused(code: string, reason?: string): (error: unknown) => boolean {
  return (error) => {
    const e = error as { code?: string; reason?: string };
    if (e.code !== code || (reason !== undefined && e.reason !== reason)) {
      throw new Error(`expected ${code}/${reason}, got ${e.code}/${e.reason}: ${String(error)}`);
    }
    return true;
  };
}
