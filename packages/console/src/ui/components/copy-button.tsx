import { useEffect, useState } from 'preact/hooks';

/**
 * A button that copies a value and says so: "Copied" for two seconds (announced to screen
 * readers), or why it could not (a page served over plain HTTP from another host has no
 * clipboard).
 */
export function CopyButton(props: { value: string; label?: string; class?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const label = props.label ?? 'Copy';
  return (
    <button
      type="button"
      class={`${props.class ?? ''} copy-button${state === 'copied' ? ' copied' : ''}`.trim()}
      onClick={async () => {
        try {
          if (!navigator.clipboard) throw new Error('no clipboard');
          await navigator.clipboard.writeText(props.value);
          setState('copied');
        } catch {
          setState('failed');
        }
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? '✓ Copied' : state === 'failed' ? 'Copy failed: select it' : label}
      </span>
    </button>
  );
}
