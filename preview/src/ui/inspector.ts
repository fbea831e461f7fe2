// The right column: the top screen's data and form, then every request, reply, contract check and
// local action, newest first.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Exchange } from '../api.js';
import type { LogEntry } from '../state/preview-state.js';
import type { Preview } from '../state/use-preview.js';
import { ProblemBox } from './problem-box.js';

const MARKS = { ok: '✔', warn: '⚠', bad: '✖' } as const;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Whether the reply matches the Flow JSON; an error answer or no answer never does. */
function Verdict({ exchange }: { exchange: Exchange }): VNode {
  switch (exchange.verdict) {
    case 'matches':
      return html`<p class="contract-ok">✔ The reply matches the Flow JSON</p>`;
    case 'violates':
      return html`<ul class="violations">
        ${exchange.violations.map((violation) => html`<li>${violation}</li>`)}
      </ul>`;
    case 'error_message':
      return html`<p class="contract-error">
          ⚠ An error answer, not a screen: the phone stays on ${exchange.reply?.screen ?? 'the screen'} and shows "${exchange.errorMessage}"
        </p>
        ${
          exchange.violations.length
            ? html`<ul class="violations">
                ${exchange.violations.map((violation) => html`<li>${violation}</li>`)}
              </ul>`
            : null
        }`;
    default:
      return html`<p class="contract-none">
        ✖ Nothing to check: ${exchange.status === 0 ? 'the endpoint did not answer' : `HTTP ${exchange.status} is no reply the phone can show`}
      </p>`;
  }
}

function Entry({ entry, open }: { entry: LogEntry; open: boolean }): VNode {
  const { exchange } = entry;
  return html`<details class=${`entry log ${entry.tone}`} open=${open}>
    <summary>${MARKS[entry.tone]} ${entry.title}</summary>
    ${
      exchange
        ? html`${exchange.problem ? html`<${ProblemBox} problem=${exchange.problem} alert=${false} />` : null}
            <h3>Request (decrypted)</h3>
            <pre>${json(exchange.request)}</pre>
            <h3>Reply (decrypted)</h3>
            <pre>${exchange.reply ? json(exchange.reply) : (exchange.text ?? '(none)')}</pre>
            <h3>Contract</h3>
            <${Verdict} exchange=${exchange} />
            <p class="timing">${exchange.durationMs} ms</p>`
        : null
    }
    ${entry.detail !== undefined ? html`<pre>${json(entry.detail)}</pre>` : null}
  </details>`;
}

export function Inspector({ preview }: { preview: Preview }): VNode {
  const { stack, completion, log, sequence } = preview.state;
  const current = stack[stack.length - 1];
  return html`<section class="inspector">
    <h2>Inspector</h2>
    ${
      current && !completion
        ? html`<details class="entry state">
            <summary>Screen data and form of ${current.id}</summary>
            <pre>${json({ data: current.data, form: current.form })}</pre>
          </details>`
        : null
    }
    ${log.length === 0 ? html`<p class="hint">Requests to the endpoint and actions show here.</p>` : null}
    ${log.map((entry) => html`<${Entry} key=${entry.id} entry=${entry} open=${entry.id === sequence} />`)}
  </section>`;
}
