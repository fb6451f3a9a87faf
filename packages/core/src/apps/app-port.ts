/** Apps and their API keys: the records and ports. See `store-port.ts` for what every port promises. */
import type { AppPolicy } from './policy.ts';

export interface AppRecord {
  id: string;
  name: string;
  rpId: string;
  /** Exact origins (web `https://host[:port]` or `android:apk-key-hash:…`) allowed in clientDataJSON. */
  origins: string[];
  policy: AppPolicy;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKeyRecord {
  id: string;
  appId: string;
  /** SHA-256 (hex) of the secret part of the key; the key itself is never stored. */
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface AppsPort {
  insert(app: AppRecord): Promise<void>;
  findById(id: string): Promise<AppRecord | null>;
  list(): Promise<AppRecord[]>;
  /** Replaces name, rpId, origins, policy and updatedAt. Returns false when no such app. */
  update(app: AppRecord): Promise<boolean>;
}

export interface ApiKeysPort {
  insert(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  listByApp(appId: string): Promise<ApiKeyRecord[]>;
  /** Sets revokedAt where not yet revoked. Returns whether a key of that app was revoked now. */
  revoke(appId: string, id: string, at: number): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}
