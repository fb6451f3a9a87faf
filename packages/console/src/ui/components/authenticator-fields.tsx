import { useState } from 'preact/hooks';
import type { Policy } from '../types.ts';

type Fields = Pick<
  Policy,
  | 'hints'
  | 'aaguidAllowList'
  | 'aaguidDenyList'
  | 'deviceBinding'
  | 'requireAttestedAuthenticator'
  | 'sessionTokens'
>;

/** The WebAuthn hints, in the order the browser is told to prefer them. */
const HINTS = ['security-key', 'client-device', 'hybrid'] as const;

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Which authenticators may register (AAGUID lists, device-bound only, attested only), which the
 * browser offers first (hints), and whether sign-ins come with a signed session token. The server
 * validates every value on save and names the field it refuses.
 */
export function AuthenticatorFields(props: {
  policy: Policy;
  onChange: (fields: Partial<Fields>) => void;
}) {
  const { policy, onChange } = props;
  const [allow, setAllow] = useState((policy.aaguidAllowList ?? []).join('\n'));
  const [deny, setDeny] = useState((policy.aaguidDenyList ?? []).join('\n'));
  const hints = policy.hints ?? [];
  const tokens = policy.sessionTokens ?? { enabled: false, ttlSeconds: 900 };
  return (
    <article>
      <header>
        <h2>Authenticators and session tokens</h2>
      </header>
      <fieldset>
        <legend>Hints (which kind of authenticator the browser offers first)</legend>
        {HINTS.map((hint) => (
          <label class="inline">
            <input
              type="checkbox"
              checked={hints.includes(hint)}
              onChange={(e) =>
                onChange({
                  hints: e.currentTarget.checked
                    ? HINTS.filter((h) => h === hint || hints.includes(h))
                    : hints.filter((h) => h !== hint),
                })
              }
            />
            {hint}
          </label>
        ))}
      </fieldset>
      <div class="grid">
        <label>
          synced passkeys
          <select
            value={policy.deviceBinding ?? 'synced-allowed'}
            onChange={(e) =>
              onChange({ deviceBinding: e.currentTarget.value as Fields['deviceBinding'] })
            }
          >
            <option value="synced-allowed">allowed</option>
            <option value="device-bound-only">refused: device-bound passkeys only</option>
          </select>
        </label>
      </div>
      <label>
        <input
          type="checkbox"
          role="switch"
          checked={policy.requireAttestedAuthenticator === true}
          aria-checked={policy.requireAttestedAuthenticator === true}
          onChange={(e) => onChange({ requireAttestedAuthenticator: e.currentTarget.checked })}
        />
        Accept only authenticators attested by the loaded FIDO metadata
      </label>
      <small class="hint">
        Needs attestation other than “none” and metadata loaded with <code>latchkey mds load</code>.
      </small>
      <div class="grid-2">
        <label>
          AAGUIDs allowed <span class="muted">(one a line; empty: any not denied)</span>
          <textarea
            rows={3}
            value={allow}
            onInput={(e) => {
              setAllow(e.currentTarget.value);
              onChange({ aaguidAllowList: lines(e.currentTarget.value) });
            }}
          />
        </label>
        <label>
          AAGUIDs denied <span class="muted">(one a line)</span>
          <textarea
            rows={3}
            value={deny}
            onInput={(e) => {
              setDeny(e.currentTarget.value);
              onChange({ aaguidDenyList: lines(e.currentTarget.value) });
            }}
          />
        </label>
      </div>
      <fieldset>
        <label>
          <input
            type="checkbox"
            role="switch"
            checked={tokens.enabled}
            aria-checked={tokens.enabled}
            onChange={(e) =>
              onChange({ sessionTokens: { ...tokens, enabled: e.currentTarget.checked } })
            }
          />
          Hand out a signed session token (JWT) with each sign-in and validated action
        </label>
        <label>
          Session token lifetime <span class="muted">(seconds, 60 to 86400)</span>
          <input
            type="number"
            min={60}
            max={86_400}
            value={tokens.ttlSeconds}
            onInput={(e) =>
              onChange({ sessionTokens: { ...tokens, ttlSeconds: Number(e.currentTarget.value) } })
            }
          />
        </label>
      </fieldset>
    </article>
  );
}
