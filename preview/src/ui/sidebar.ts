// The left column: which flow, endpoint, token and file; how to start; the screens to open with
// their __example__ data.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Preview } from '../state/use-preview.js';

export function Sidebar({ preview }: { preview: Preview }): VNode {
  const { info, busy, stack } = preview.state;
  if (!info) return html`<aside class="sidebar"></aside>`;
  const current = stack[stack.length - 1];
  const start = info.start;
  return html`<aside class="sidebar">
    <h1>${info.flow}</h1>
    <div class="meta">Endpoint <code>${info.endpoint}/flows/${info.flow}</code></div>
    <div class="meta">Token <code>${info.token.hint}</code>${info.token.fixed ? ' (given with --token)' : ''}</div>
    <div class="meta">File <code>${info.file}</code></div>
    ${
      info.error
        ? html`<div class="problem" role="alert">
            <strong>The Flow JSON did not load</strong>
            <div>${info.error}</div>
            <div class="fix">Fix the file: the page reloads when it changes.</div>
          </div>`
        : null
    }
    <button
      type="button"
      class="primary"
      data-action="start"
      data-start=${start?.action}
      disabled=${busy || !info.flowJson || !start}
      onClick=${preview.start}
    >
      ${start?.action === 'INIT' ? 'Start with INIT' : `Start on ${start?.screen ?? 'the entry screen'}`}
    </button>
    ${start ? html`<p class="hint start-reason">${start.reason}</p>` : null}
    <button type="button" data-action="restart" onClick=${preview.restart}>Restart${info.token.fixed ? '' : ' (new token)'}</button>
    <h2>Screens</h2>
    <p class="hint">Open a screen with its <code>__example__</code> data:</p>
    <ul class="screens">
      ${(info.flowJson?.screens ?? []).map(
        (candidate) =>
          html`<li>
            <button
              type="button"
              data-screen=${candidate.id}
              class=${candidate.id === current?.id ? 'current' : ''}
              onClick=${() => preview.open(candidate.id)}
            >
              ${candidate.id}${candidate.title ? html` <span>${candidate.title}</span>` : null}
            </button>
          </li>`,
      )}
    </ul>
  </aside>`;
}
