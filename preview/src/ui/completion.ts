// The phone once the flow is complete: how it ended, the params the business receives in the
// nfm_reply webhook, the response summary the user can open (sensitive fields masked), and the
// button that posts the webhook to Flowgate.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Completion } from '../state/preview-state.js';
import { ProblemBox } from './problem-box.js';

export function CompletionPanel({ completion, onSendWebhook }: { completion: Completion; onSendWebhook(): void }): VNode {
  const { webhook, summary } = completion;
  return html`<div class="completion" data-completion>
    <div class="done">✔</div>
    <h2 class="c-heading">Flow completed</h2>
    <p class="c-body" data-how>${completion.how}</p>
    <p class="c-body">WhatsApp closes the flow and sends these params to the business in the <code>nfm_reply</code> webhook:</p>
    <pre class="params">${JSON.stringify(completion.params, null, 2)}</pre>
    ${
      summary.length
        ? html`<h3 class="c-subheading">What the user sees in the chat</h3>
            <p class="c-caption">
              The response summary: what they answered${summary.some((row) => row.privacy) ? ', fields marked sensitive masked' : ''}.
            </p>
            <dl class="summary" data-summary>
              ${summary.map(
                (row) =>
                  html`<div class=${`summary-row${row.privacy ? ` ${row.privacy}` : ''}`} data-name=${row.name}>
                    <dt>${row.label}</dt>
                    <dd>${row.privacy === 'hidden' ? html`<span class="c-optional">hidden</span>` : row.value}</dd>
                  </div>`,
              )}
            </dl>`
        : null
    }
    <button
      type="button"
      class="c-footer-button"
      data-action="webhook"
      disabled=${webhook?.sending || webhook?.status === 200}
      onClick=${onSendWebhook}
    >
      Send the completion webhook
    </button>
    ${
      webhook && !webhook.sending
        ? webhook.problem
          ? html`<${ProblemBox} problem=${webhook.problem} />`
          : html`<div class="notice" data-webhook-ok>
              Flowgate accepted the nfm_reply (HTTP ${webhook.status}): the completion handler runs in the background.
            </div>`
        : null
    }
  </div>`;
}
