// The page: the flow's current screen in a phone-sized frame, a screen picker, and an inspector of
// every request, reply, contract check and local action. State and commands: state/use-preview.ts.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { usePreview } from './state/use-preview.js';
import { Inspector } from './ui/inspector.js';
import { Phone } from './ui/phone.js';
import { Sidebar } from './ui/sidebar.js';

export function App(): VNode {
  const preview = usePreview();
  const { info, loadError } = preview.state;
  if (loadError) return html`<div class="fatal" role="alert">${loadError}</div>`;
  if (!info) return html`<div class="loading">Loading…</div>`;
  return html`<div class="preview">
    <${Sidebar} preview=${preview} />
    <${Phone} preview=${preview} />
    <${Inspector} preview=${preview} />
  </div>`;
}
