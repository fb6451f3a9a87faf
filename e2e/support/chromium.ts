/**
 * Real Chromium for tests: Debian's `/usr/bin/chromium` driven by playwright-core, with a CDP
 * virtual authenticator per page. Where Chromium is missing, `browserAvailable()` says why, so a
 * suite can skip with that reason; in CI (`CI=true`) a missing browser is an error instead, because
 * there every browser test must run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LATCHKEY_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. Throws in CI. */
export function browserUnavailableReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium); browser tests skipped`;
  if (process.env.CI === 'true') throw new Error(`${reason}: in CI every browser test must run`);
  return reason;
}

/** Flags that keep Chromium quiet on a closed network. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface VirtualAuthenticatorOptions {
  hasResidentKey?: boolean;
  hasUserVerification?: boolean;
  isUserVerified?: boolean;
  transport?: 'internal' | 'usb' | 'nfc' | 'ble' | 'hybrid';
  /** Whether the authenticator supports the PRF extension (CTAP hmac-secret). */
  hasPrf?: boolean;
  /** More Chromium flags, after the quiet ones (a proxy, a test certificate's key pin). */
  args?: string[];
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
  /** Make the authenticator pass or fail user verification from now on. */
  setUserVerified(verified: boolean): Promise<void>;
  /** The credentials the virtual authenticator holds. */
  credentials(): Promise<Array<{ credentialId: string; rpId?: string; signCount: number }>>;
  /** Remove every credential from the authenticator. */
  clearCredentials(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh persistent context (its own profile directory) with one page and a virtual platform
 * authenticator. One session per test keeps the authenticator's 3-credential limit out of the way.
 */
export async function openBrowser(
  options: VirtualAuthenticatorOptions = {},
): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...ARGS, ...(options.args ?? [])],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: options.transport ?? 'internal',
      hasResidentKey: options.hasResidentKey ?? true,
      hasUserVerification: options.hasUserVerification ?? true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: true,
      ...(options.hasPrf ? { hasPrf: true } : {}),
    },
  });
  return {
    context,
    page,
    cdp,
    authenticatorId,
    async setUserVerified(verified) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: verified });
    },
    async credentials() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials;
    },
    async clearCredentials() {
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go: a git-ignored folder at the repository root. */
export const SCREENSHOT_DIR = new URL('../../.artifacts/screenshots/', import.meta.url).pathname;
