import { useState } from 'preact/hooks';

/**
 * A destructive button that asks once more in place ("Revoke" → "Confirm revoke" / "Cancel"), so
 * a stray click or Enter cannot revoke anything, and no modal steals the keyboard.
 */
export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        class="secondary outline small"
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <button
        type="button"
        class="danger small"
        aria-busy={busy}
        // Focus moves to the confirmation, so the keyboard user is where the decision is.
        ref={(el) => el?.focus()}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" class="secondary outline small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
