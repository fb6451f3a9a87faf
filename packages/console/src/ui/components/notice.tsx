import type { ComponentChildren } from 'preact';

/** A message in a live region, so screen readers announce it. */
export function Notice(props: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** A small coloured label. */
export function Badge(props: { tone: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}
