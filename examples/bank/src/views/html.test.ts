import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html } from './html.ts';

describe('html', () => {
  it('escapes values and keeps nested html', () => {
    const name = '<script>alert("x")</script>';
    const out = html`<p title="${name}">${name}${html`<b>ok</b>`}${[html`<i>1</i>`, '&']}</p>`;
    assert.equal(
      out.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b><i>1</i>&amp;</p>',
    );
  });

  it('renders null, undefined and false as nothing', () => {
    assert.equal(html`${null}${undefined}${false}${0}`.value, '0');
  });
});
