/**
 * The account page: balance, a transfer form, recent transfers, and the customer's passkeys.
 */
import type { HeldTransfer, Transfer, User } from '../bank-store.ts';
import { formatCents } from '../money.ts';
import { html } from './html.ts';
import { layout, type PasskeySettings } from './layout.ts';

/** One passkey as the page shows it. */
export interface PasskeyRow {
  id: string;
  name: string;
  type: 'passkey' | 'platform' | 'security_key';
  iconLight: string | null;
  iconDark: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  usageCount: number;
}

/** The passkeys, or why they could not be listed. */
export type PasskeyList = { ok: true; rows: PasskeyRow[] } | { ok: false; message: string };

const TYPE_LABELS = {
  passkey: 'Synced passkey',
  platform: 'This device only',
  security_key: 'Security key',
} as const;

const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

function passkeyIcon(row: PasskeyRow) {
  if (!row.iconLight) {
    return html`<span class="key-icon" aria-hidden="true"><svg viewBox="0 0 24 24"><circle cx="8" cy="12" r="4"/><path d="M12 12h9m-3 0v3m-3-3v2"/></svg></span>`;
  }
  return html`<picture class="key-icon">
    ${row.iconDark ? html`<source srcset="${row.iconDark}" media="(prefers-color-scheme: dark)">` : ''}
    <img src="${row.iconLight}" alt="" width="28" height="28">
  </picture>`;
}

function passkeysTable(list: PasskeyList) {
  if (!list.ok) return html`<div class="alert error" role="alert">${list.message}</div>`;
  if (list.rows.length === 0) {
    return html`<p class="empty" id="no-passkeys">No passkeys yet. Add one to sign in without a password and to confirm large transfers.</p>`;
  }
  return html`<div class="table-wrap"><table class="passkeys">
  <thead><tr><th>Passkey</th><th>Type</th><th>Created</th><th>Last used</th><th class="num">Times used</th><th></th></tr></thead>
  <tbody>
  ${list.rows.map(
    (row) => html`<tr data-passkey-id="${row.id}">
    <td><div class="passkey-name">${passkeyIcon(row)}<span>${row.name}</span></div></td>
    <td><span class="tag ${row.type}">${TYPE_LABELS[row.type]}</span></td>
    <td>${when.format(row.createdAt)}</td>
    <td>${row.lastUsedAt ? when.format(row.lastUsedAt) : html`<span class="muted">Never</span>`}</td>
    <td class="num">${row.usageCount}</td>
    <td class="actions"><form class="revoke" method="post" action="/passkeys/${encodeURIComponent(row.id)}/revoke">
      <button class="button danger small" type="submit" aria-label="Remove ${row.name}">Remove</button>
    </form></td>
  </tr>`,
  )}
  </tbody></table></div>`;
}

function transfersList(transfers: Transfer[], inReview: HeldTransfer[]) {
  if (transfers.length === 0 && inReview.length === 0) {
    return html`<p class="empty">No transfers yet.</p>`;
  }
  return html`<ul class="transfers">
  ${inReview.map(
    (t) => html`<li class="in-review">
    <div><strong>${t.recipient}</strong><span class="muted small">${when.format(new Date(t.createdAt))} · <span class="review">held for review</span></span></div>
    <span class="amount muted">${formatCents(t.amountCents)}</span>
  </li>`,
  )}
  ${transfers.map(
    (t) => html`<li>
    <div><strong>${t.recipient}</strong><span class="muted small">${when.format(new Date(t.createdAt))}${t.steppedUp ? html` · <span class="verified">confirmed with a passkey</span>` : ''}</span></div>
    <span class="amount">−${formatCents(t.amountCents)}</span>
  </li>`,
  )}
  </ul>`;
}

/**
 * The whole account page.
 *
 * @example
 * accountPage({ user, passkeys, transfers, passkeyList: { ok: true, rows: [] } });
 */
export function accountPage(options: {
  user: User;
  passkeys: PasskeySettings;
  transfers: Transfer[];
  /** Transfers latchkey's rules sent to a review: no money has moved for them. */
  inReview?: HeldTransfer[];
  passkeyList: PasskeyList;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { user } = options;
  return layout({
    title: 'Your account',
    passkeys: options.passkeys,
    user,
    script: 'account',
    body: html`<div class="grid">
<section class="card balance-card">
  <p class="label">Available balance</p>
  <p class="balance" id="balance">${formatCents(user.balanceCents)}</p>
  <p class="muted small">Checking account •••• ${user.id.slice(0, 4).toUpperCase()}</p>
</section>
${options.notice ? html`<div class="alert notice wide" role="status" id="notice">${options.notice}</div>` : ''}
${options.error ? html`<div class="alert error wide" role="alert" id="page-error">${options.error}</div>` : ''}
<section class="card">
  <h2>Send money</h2>
  <p class="muted small">Your passkey confirms transfers over $5,000.00 and your first transfer to someone new. Others go out at once.</p>
  <div id="transfer-message" class="alert" role="alert" hidden></div>
  <form id="transfer-form" class="stack" novalidate>
    <label>To
      <input name="recipient" id="recipient" required minlength="2" maxlength="80" placeholder="Name or email" autocomplete="off">
    </label>
    <label>Amount
      <span class="money-input"><span>$</span><input name="amount" id="amount" required inputmode="decimal" placeholder="0.00" autocomplete="off"></span>
    </label>
    <button class="button primary" type="submit" id="transfer-submit">Send</button>
  </form>
  <dialog id="approve-dialog" class="approve" aria-labelledby="approve-title">
    <div class="approve-icon" aria-hidden="true"><svg viewBox="0 0 24 24"><circle cx="8" cy="12" r="4"/><path d="M12 12h9m-3 0v3m-3-3v2"/></svg></div>
    <p class="label">Confirm with your passkey</p>
    <h2 id="approve-title">Approve <span id="approve-amount"></span> to <span id="approve-recipient"></span></h2>
    <p class="approve-reason" id="approve-reason"></p>
    <p class="muted small">Use your fingerprint, face or screen lock in your browser’s prompt. Nothing leaves your account until you do.</p>
    <div class="approve-actions"><button class="button secondary" type="button" id="approve-cancel">Cancel</button></div>
  </dialog>
</section>
<section class="card">
  <h2>Recent activity</h2>
  ${transfersList(options.transfers, options.inReview ?? [])}
</section>
<section class="card wide">
  <div class="section-head">
    <div>
      <h2>Passkeys</h2>
      <p class="muted small">Sign in with your fingerprint, face or screen lock instead of a password.</p>
    </div>
    <button class="button secondary" type="button" id="add-passkey" hidden>Add a passkey</button>
  </div>
  <div id="passkey-message" class="alert" role="alert" hidden></div>
  ${passkeysTable(options.passkeyList)}
</section>
</div>`,
  });
}
