// The phone: the title bar with Back, the screen's components (or the completion), the problem and
// notice over them, the snackbar of an error_message, and where the data came from.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { renderComponents, type RenderContext } from '../components.js';
import type { Component } from '../flow-json-types.js';
import { children } from '../screen-state.js';
import { screenView } from '../state/preview-state.js';
import type { Preview } from '../state/use-preview.js';
import { CompletionPanel } from './completion.js';
import { ProblemBox } from './problem-box.js';

const ORIGINS = {
  example: 'from __example__',
  endpoint: 'from the endpoint',
  navigate: 'from the navigate payload',
  update: 'changed by update_data',
  start: 'as the flow opens (no request)',
} as const;

export function Phone({ preview }: { preview: Preview }): VNode {
  const { state } = preview;
  const { completion, problem, notice, busy, stack } = state;
  const { current, screen, scope, errors, canSubmit } = screenView(state);
  const context: RenderContext = {
    scope,
    errors,
    setField: preview.setField,
    touch: preview.touch,
    act: preview.act,
    pickFiles: preview.pickFiles,
    canSubmit,
  };
  const errorMessage = typeof current?.data.error_message === 'string' ? current.data.error_message : undefined;
  const body = completion
    ? html`<${CompletionPanel} completion=${completion} onSendWebhook=${preview.sendWebhook} />`
    : screen
      ? html`<div class="components">${renderComponents(children(screen) as Component[], context)}</div>`
      : html`<div class="problem" role="alert">
          <strong>No screen "${current?.id}" in the Flow JSON</strong>
          <div class="fix">Pick a screen on the left.</div>
        </div>`;
  return html`<main class="stage">
    <div class="phone" data-screen=${completion ? 'SUCCESS' : current?.id}>
      <div class="phone-bar">
        <button
          type="button"
          class="back"
          aria-label="Back"
          onClick=${preview.back}
          disabled=${!completion && stack.length <= 1 && !screen?.refresh_on_back}
        >
          ←
        </button>
        <span class="title">${completion ? 'Done' : (screen?.title ?? current?.id ?? '')}</span>
        <span class="close">×</span>
      </div>
      <div class="phone-body">
        ${problem ? html`<${ProblemBox} problem=${problem} marked />` : null}
        ${notice ? html`<div class="notice" role="status">${notice}</div>` : null} ${body}
      </div>
      ${errorMessage && !completion ? html`<div class="snackbar" role="alert">${errorMessage}</div>` : null}
    </div>
    <div class="origin">
      ${completion ? 'Completed' : current ? `${current.id} · data ${ORIGINS[current.origin]}` : ''}${busy ? ' · waiting for the endpoint…' : ''}
    </div>
  </main>`;
}
