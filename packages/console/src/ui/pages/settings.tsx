import { useState } from 'preact/hooks';
import { ApiError, api, apiPath } from '../api.ts';
import { AuthenticatorFields } from '../components/authenticator-fields.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { NativeAppsFields } from '../components/native-apps-fields.tsx';
import { Notice } from '../components/notice.tsx';
import type { App, Policy } from '../types.ts';

const CHOICES = {
  userVerification: ['required', 'preferred', 'discouraged'],
  residentKey: ['required', 'preferred', 'discouraged'],
  attestation: ['none', 'indirect', 'direct', 'enterprise'],
  counterPolicy: ['refuse', 'flag'],
} as const;
const ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** ALLOW is not offered: a rule that cannot be evaluated must not let an action through. */
const RULE_ERROR_OUTCOMES = ['CHALLENGE', 'REVIEW', 'BLOCK'] as const;
const LIFETIMES = [
  ['ceremonyTtlSeconds', 'Ceremony (challenge) lifetime'],
  ['transactionTtlSeconds', 'Transaction lifetime'],
  ['nonceTtlSeconds', 'Nonce lifetime'],
] as const;
const LIMITS = [
  ['startsPerIp', 'Ceremony starts per IP'],
  ['startsPerApp', 'Ceremony starts per app (alert only)'],
  ['failuresPerIp', 'Failed finishes per IP'],
  ['failuresPerApp', 'Failed finishes per app (alert only)'],
] as const;

/** An app's identity (name, origins, RP ID) and policy (verification, lifetimes, rate limits). */
export function SettingsPage(props: { app: App; onSaved: (app: App) => void }) {
  const [name, setName] = useState(props.app.name);
  const [origins, setOrigins] = useState(props.app.origins.join('\n'));
  const [rpId, setRpId] = useState(props.app.rp_id);
  const [policy, setPolicy] = useState<Policy>(props.app.policy);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // The server's refusal of an RP ID change that would strand passkeys, until forced or left.
  const [stranding, setStranding] = useState<string | null>(null);
  const set = <K extends keyof Policy>(key: K, value: Policy[K]) =>
    setPolicy({ ...policy, [key]: value });
  const save = async (forceRpIdChange: boolean) => {
    setBusy(true);
    setMessage(null);
    setStranding(null);
    try {
      const saved = await api<App>('PATCH', apiPath(['apps', props.app.app_id]), {
        name,
        origins: origins.split(/\s+/).filter(Boolean),
        rp_id: rpId,
        policy,
        ...(forceRpIdChange ? { force_rp_id_change: true } : {}),
      });
      props.onSaved(saved);
      setMessage({ kind: 'success', text: 'Settings saved.' });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'rp_id_change_refused') setStranding(e.message);
      else setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <hgroup>
        <h1>Settings</h1>
        <p>Changes apply to the next ceremony on every server instance.</p>
      </hgroup>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          await save(false);
        }}
      >
        <article>
          <header>
            <h2>Identity</h2>
          </header>
          <label>
            Name
            <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            Origins
            <textarea
              rows={3}
              value={origins}
              aria-describedby="hint-settings-origins"
              onInput={(e) => setOrigins(e.currentTarget.value)}
            />
          </label>
          <small id="hint-settings-origins" class="hint">
            One per line. Every web origin must be the RP ID or a subdomain of it.
          </small>
          <label>
            RP ID
            <input
              value={rpId}
              required
              aria-describedby="hint-rp-id"
              onInput={(e) => setRpId(e.currentTarget.value)}
            />
          </label>
          <small id="hint-rp-id" class="hint">
            Changing it makes every existing passkey of this app unusable.
          </small>
        </article>
        <NativeAppsFields
          appId={props.app.app_id}
          rpId={props.app.rp_id}
          policy={policy}
          onChange={(fields) => setPolicy({ ...policy, ...fields })}
        />
        <article>
          <header>
            <h2>WebAuthn policy</h2>
          </header>
          <div class="grid">
            {(Object.keys(CHOICES) as Array<keyof typeof CHOICES>).map((key) => (
              <label>
                {key.replace(/([A-Z])/g, ' $1').toLowerCase()}
                <select value={policy[key]} onChange={(e) => set(key, e.currentTarget.value)}>
                  {CHOICES[key].map((v) => (
                    <option value={v}>{v}</option>
                  ))}
                </select>
              </label>
            ))}
            <label>
              when a rule cannot be evaluated
              <select
                value={policy.onRuleError ?? 'CHALLENGE'}
                onChange={(e) =>
                  set('onRuleError', e.currentTarget.value as (typeof RULE_ERROR_OUTCOMES)[number])
                }
              >
                {RULE_ERROR_OUTCOMES.map((v) => (
                  <option value={v}>{v}</option>
                ))}
              </select>
            </label>
          </div>
          <fieldset>
            <legend>Algorithms</legend>
            {ALGORITHMS.map((alg) => (
              <label class="inline">
                <input
                  type="checkbox"
                  checked={policy.algorithms.includes(alg)}
                  onChange={(e) =>
                    set(
                      'algorithms',
                      e.currentTarget.checked
                        ? ALGORITHMS.filter((a) => a === alg || policy.algorithms.includes(a))
                        : policy.algorithms.filter((a) => a !== alg),
                    )
                  }
                />
                {alg}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <label>
              <input
                type="checkbox"
                role="switch"
                checked={policy.allowRemovingLastPasskey}
                aria-checked={policy.allowRemovingLastPasskey}
                onChange={(e) => set('allowRemovingLastPasskey', e.currentTarget.checked)}
              />
              Allow removing a user’s last passkey
            </label>
            <label>
              <input
                type="checkbox"
                role="switch"
                checked={policy.allowCrossOrigin}
                aria-checked={policy.allowCrossOrigin}
                onChange={(e) => set('allowCrossOrigin', e.currentTarget.checked)}
              />
              Accept cross-origin (iframe) ceremonies
            </label>
          </fieldset>
        </article>
        <AuthenticatorFields
          policy={policy}
          onChange={(fields) => setPolicy({ ...policy, ...fields })}
        />
        <div class="grid-2">
          <article>
            <header>
              <h2>Lifetimes</h2>
            </header>
            {LIFETIMES.map(([key, label]) => (
              <label>
                {label} <span class="muted">(seconds)</span>
                <input
                  type="number"
                  min={10}
                  max={3600}
                  value={policy[key]}
                  onInput={(e) => set(key, Number(e.currentTarget.value))}
                />
              </label>
            ))}
          </article>
          <article>
            <header>
              <h2>Rate limits</h2>
            </header>
            {LIMITS.map(([key, label]) => (
              <label>
                {label} <span class="muted">(per minute, 0 = off)</span>
                <input
                  type="number"
                  min={0}
                  value={policy.rateLimits[key]}
                  onInput={(e) =>
                    set('rateLimits', {
                      ...policy.rateLimits,
                      [key]: Number(e.currentTarget.value),
                    })
                  }
                />
              </label>
            ))}
          </article>
        </div>
        {/* Beside the button that was pressed, where the operator is looking. */}
        {stranding && (
          <Notice kind="error">
            <p>{stranding}</p>
            <ConfirmButton
              label="Change the RP ID anyway"
              confirmLabel="Confirm: existing passkeys stop working"
              onConfirm={() => save(true)}
            />
          </Notice>
        )}
        <button type="submit" aria-busy={busy}>
          Save settings
        </button>
      </form>
    </section>
  );
}
