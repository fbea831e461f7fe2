// The page: the flow's current screen in a phone-sized frame, a screen picker, and an inspector of
// every request, reply, contract check and local action.
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as api from './api.js';
import { renderComponents, type RenderContext } from './components.js';
import { resolve, type Scope, type Values } from './expressions.js';
import { children, declaredErrors, exampleData, initialForm, inputProblems } from './screen-state.js';
import type { Component, Exchange, FlowAction, FlowInfo, Problem, Screen } from './types.js';

/** One screen on the stack, as the user sees it. */
export interface Shown {
  id: string;
  data: Values;
  form: Values;
  /** Where the data came from, shown under the phone. */
  origin: 'example' | 'endpoint' | 'navigate' | 'update';
  touched: Record<string, boolean>;
  /** Fields changed since the screen was shown: their declared error-message is gone. */
  edited: Record<string, boolean>;
}

interface LogEntry {
  id: number;
  title: string;
  exchange?: Exchange;
  detail?: unknown;
  ok: boolean;
}

interface Completion {
  params: Values;
  via: string;
  webhook?: { status: number; problem?: Problem; sending?: boolean };
}

let sequence = 0;

function scopeScreens(all: Shown[]) {
  return Object.fromEntries(all.map((entry) => [entry.id, { data: entry.data, form: entry.form }]));
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function App() {
  const [info, setInfo] = useState<FlowInfo | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [stack, setStackState] = useState<Shown[]>([]);
  // The latest stack, for an action fired in the same event that changed a field (on-select-action).
  const latest = useRef<Shown[]>([]);
  const setStack = (next: Shown[] | ((all: Shown[]) => Shown[])) => {
    latest.current = typeof next === 'function' ? next(latest.current) : next;
    setStackState(latest.current);
  };
  const [log, setLog] = useState<LogEntry[]>([]);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [completion, setCompletion] = useState<Completion | undefined>();
  const [busy, setBusy] = useState(false);

  const flowJson = info?.flowJson;
  const screens = useMemo(() => new Map((flowJson?.screens ?? []).map((screen) => [screen.id, screen])), [flowJson]);
  const current = stack[stack.length - 1];
  const screen: Screen | undefined = current ? screens.get(current.id) : undefined;

  const record = (entry: Omit<LogEntry, 'id'>) => setLog((entries) => [{ ...entry, id: ++sequence }, ...entries].slice(0, 100));

  const shown = (id: string, data: Values, origin: Shown['origin'], all: Shown[]): Shown => {
    const target = screens.get(id);
    const scope = { data, form: {}, screens: scopeScreens(all) };
    return { id, data, form: target ? initialForm(target, scope) : {}, origin, touched: {}, edited: {} };
  };

  function openExample(id: string) {
    const target = screens.get(id);
    if (!target) return;
    setCompletion(undefined);
    setProblem(undefined);
    setNotice(undefined);
    setStack([shown(id, exampleData(target), 'example', [])]);
  }

  async function reload(keep: boolean) {
    try {
      const next = await api.loadFlow();
      setInfo(next);
      setLoadError(undefined);
      if (next.error) record({ title: `Flow JSON not loaded: ${next.error}`, ok: false });
      else if (keep) record({ title: 'Flow JSON changed: reloaded', ok: true });
      return next;
    } catch (error) {
      setLoadError((error as Error).message);
      return undefined;
    }
  }

  useEffect(() => {
    void reload(false).then((next) => {
      if (next?.flowJson && next.entry) {
        const id = next.entry;
        const target = next.flowJson.screens.find((candidate) => candidate.id === id)!;
        setStack([
          {
            id,
            data: exampleData(target),
            form: initialForm(target, { data: exampleData(target), form: {} }),
            origin: 'example',
            touched: {},
            edited: {},
          },
        ]);
      }
    });
    return api.watchFlow(() => void reload(true));
  }, []);

  const scope: Scope = { data: current?.data ?? {}, form: current?.form ?? {}, screens: scopeScreens(stack) };

  /** Applies an endpoint reply: a new screen, the same screen with new data, or the completion. */
  function applyReply(result: Exchange, base: Shown[]) {
    const reply = result.reply;
    if (result.status !== 200 || !reply) return;
    if (reply.screen === 'SUCCESS') {
      const params = ((reply.data?.extension_message_response as { params?: Values } | undefined)?.params ?? {}) as Values;
      setCompletion({ params, via: 'the endpoint answered SUCCESS' });
      return;
    }
    if (!reply.screen) return;
    const data = reply.data ?? {};
    const top = base[base.length - 1];
    if (top && top.id === reply.screen) {
      setStack([...base.slice(0, -1), { ...top, data, origin: 'endpoint' }]);
    } else {
      // Going back to a screen already on the stack returns to it, as the client does.
      const index = base.findIndex((entry) => entry.id === reply.screen);
      const kept = index >= 0 ? base.slice(0, index) : base;
      setStack([...kept, shown(reply.screen, data, 'endpoint', kept)]);
    }
  }

  async function send(action: string, from: string | undefined, data: Values | undefined, base: Shown[]) {
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      const result = await api.exchange(action, from, data);
      const arrow = result.reply?.screen ? ` → ${result.reply.screen}` : '';
      const status = result.status === 0 ? 'no answer' : `HTTP ${result.status}`;
      record({
        title: `${action}${from ? ` from ${from}` : ''}${arrow} · ${status} · ${result.durationMs} ms`,
        exchange: result,
        ok: !result.problem,
      });
      setProblem(result.problem);
      applyReply(result, base);
    } catch (error) {
      setProblem({ title: (error as Error).message, fix: 'Is the preview server still running? Start it again with npm run flow:preview.' });
    } finally {
      setBusy(false);
    }
  }

  function act(action: FlowAction) {
    const stack = latest.current;
    const current = stack[stack.length - 1];
    if (!current || !screens.has(current.id) || busy) return;
    const scope: Scope = { data: current.data, form: current.form, screens: scopeScreens(stack) };
    const payload = (resolve(action.payload ?? {}, scope) ?? {}) as Values;
    switch (action.name) {
      case 'navigate': {
        const next = action.next?.name;
        if (!next || !screens.has(next)) {
          setProblem({ title: `navigate to "${next}": no such screen`, fix: `Fix on-click-action.next.name on screen ${current.id}.` });
          return;
        }
        const declared = Object.keys(screens.get(next)?.data ?? {});
        const missing = declared.filter((key) => !(key in payload));
        record({
          title: `navigate ${current.id} → ${next} (no request)`,
          detail: { payload, ...(missing.length ? { 'not in the payload': missing } : {}) },
          ok: missing.length === 0,
        });
        setProblem(undefined);
        setStack([...stack, shown(next, payload, 'navigate', stack)]);
        return;
      }
      case 'data_exchange':
        void send('data_exchange', current.id, payload, stack);
        return;
      case 'update_data':
        record({ title: `update_data on ${current.id}`, detail: payload, ok: true });
        setStack([...stack.slice(0, -1), { ...current, data: { ...current.data, ...payload }, origin: 'update' }]);
        return;
      case 'open_url': {
        const url = String(resolve(action.url, scope) ?? '');
        record({ title: `open_url ${url} (shown, not opened)`, ok: true });
        setNotice(`The phone would open ${url}`);
        return;
      }
      case 'complete':
        record({ title: `complete on ${current.id}`, detail: { response_json: payload }, ok: true });
        setCompletion({ params: payload, via: `the complete action of ${current.id}` });
        return;
      default:
        setProblem({ title: `Unknown action "${action.name}"`, fix: 'Use navigate, data_exchange, update_data, open_url or complete.' });
    }
  }

  function back() {
    if (completion) {
      setCompletion(undefined);
      return;
    }
    if (!current || !screen) return;
    const rest = stack.slice(0, -1);
    if (screen.refresh_on_back) {
      void send('BACK', current.id, {}, stack);
      return;
    }
    if (rest.length) {
      setProblem(undefined);
      setStack(rest);
    }
  }

  async function sendWebhook() {
    if (!completion) return;
    setCompletion({ ...completion, webhook: { status: 0, sending: true } });
    const { flow_token: _token, ...params } = completion.params;
    try {
      const result = await api.complete(params);
      record({
        title: `nfm_reply webhook · ${result.status ? `HTTP ${result.status}` : 'no answer'}`,
        detail: { response_json: params },
        ok: !result.problem,
      });
      setCompletion({ ...completion, webhook: result });
    } catch (error) {
      setCompletion({
        ...completion,
        webhook: { status: 0, problem: { title: (error as Error).message, fix: 'Is the preview server still running?' } },
      });
    }
  }

  async function restartFlow() {
    const next = await api.restart();
    setInfo(next);
    setLog([]);
    if (next.entry) openExample(next.entry);
  }

  const setField = (name: string, value: unknown) =>
    setStack((all) => {
      const top = all[all.length - 1];
      return [...all.slice(0, -1), { ...top, form: { ...top.form, [name]: value }, edited: { ...top.edited, [name]: true } }];
    });
  const touch = (name: string) => {
    if (!current || current.touched[name]) return;
    setStack((all) => {
      const top = all[all.length - 1];
      return [...all.slice(0, -1), { ...top, touched: { ...top.touched, [name]: true } }];
    });
  };

  /** PhotoPicker/DocumentPicker: each file encrypted and put on the preview's CDN, as the phone uploads it. */
  async function pickFiles(name: string, files: File[], component: Component) {
    const maxKb = Number(component['max-file-size-kb'] ?? 25 * 1024);
    const tooBig = files.find((file) => file.size > maxKb * 1024);
    if (tooBig) {
      setProblem({ title: `${tooBig.name} is over ${maxKb} KB`, fix: `The phone refuses files over max-file-size-kb (${maxKb}) of ${name}.` });
      return;
    }
    try {
      const media = await Promise.all(files.map((file) => api.uploadMedia(file)));
      record({
        title: `${component.type} ${name}: ${media.length} file(s) encrypted and put on the preview's CDN`,
        detail: media.map(({ media_id, cdn_url, file_name }) => ({ media_id, cdn_url, file_name })),
        ok: true,
      });
      setField(name, media);
    } catch (error) {
      setProblem({ title: (error as Error).message, fix: 'Is the preview server still running?' });
    }
  }

  if (loadError) return html`<div class="fatal" role="alert">${loadError}</div>`;
  if (!info) return html`<div class="loading">Loading…</div>`;

  const problems = screen ? inputProblems(screen, scope) : {};
  const declared = screen ? declaredErrors(screen, scope) : {};
  const errors: Record<string, string | undefined> = {};
  for (const name of new Set([...Object.keys(problems), ...Object.keys(declared)])) {
    errors[name] = !current?.edited[name] && declared[name] ? declared[name] : current?.touched[name] ? problems[name] : undefined;
  }
  const context: RenderContext = {
    scope,
    errors,
    setField,
    touch,
    act,
    pickFiles: (name, files, component) => void pickFiles(name, files, component),
    canSubmit: !busy && Object.keys(problems).length === 0,
  };
  const errorMessage = typeof current?.data.error_message === 'string' ? current.data.error_message : undefined;

  return html`<div class="preview">
    <aside class="sidebar">
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
        data-action="init"
        disabled=${busy || !flowJson}
        onClick=${() => {
          setCompletion(undefined);
          void send('INIT', undefined, undefined, []);
        }}
      >
        Start with INIT
      </button>
      <button type="button" data-action="restart" onClick=${() => void restartFlow()}>Restart${info.token.fixed ? '' : ' (new token)'}</button>
      <h2>Screens</h2>
      <p class="hint">Open a screen with its <code>__example__</code> data:</p>
      <ul class="screens">
        ${(flowJson?.screens ?? []).map(
          (candidate) =>
            html`<li>
              <button
                type="button"
                data-screen=${candidate.id}
                class=${candidate.id === current?.id ? 'current' : ''}
                onClick=${() => openExample(candidate.id)}
              >
                ${candidate.id}${candidate.title ? html` <span>${candidate.title}</span>` : null}
              </button>
            </li>`,
        )}
      </ul>
    </aside>

    <main class="stage">
      <div class="phone" data-screen=${completion ? 'SUCCESS' : current?.id}>
        <div class="phone-bar">
          <button
            type="button"
            class="back"
            aria-label="Back"
            onClick=${back}
            disabled=${!completion && stack.length <= 1 && !screen?.refresh_on_back}
          >
            ←
          </button>
          <span class="title">${completion ? 'Done' : (screen?.title ?? current?.id ?? '')}</span>
          <span class="close">×</span>
        </div>
        <div class="phone-body">
          ${
            problem
              ? html`<div class="problem" role="alert" data-problem>
                  <strong>${problem.title}</strong>
                  <div class="fix">${problem.fix}</div>
                </div>`
              : null
          }
          ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
          ${
            completion
              ? html`<div class="completion" data-completion>
                  <div class="done">✔</div>
                  <h2 class="c-heading">Flow completed</h2>
                  <p class="c-body">Via ${completion.via}. WhatsApp closes the flow and sends these params in the <code>nfm_reply</code> webhook:</p>
                  <pre class="params">${json(completion.params)}</pre>
                  <button
                    type="button"
                    class="c-footer-button"
                    data-action="webhook"
                    disabled=${completion.webhook?.sending || completion.webhook?.status === 200}
                    onClick=${() => void sendWebhook()}
                  >
                    Send the completion webhook
                  </button>
                  ${
                    completion.webhook && !completion.webhook.sending
                      ? completion.webhook.problem
                        ? html`<div class="problem" role="alert">
                            <strong>${completion.webhook.problem.title}</strong>
                            <div class="fix">${completion.webhook.problem.fix}</div>
                          </div>`
                        : html`<div class="notice" data-webhook-ok>
                            Flowgate accepted the nfm_reply (HTTP ${completion.webhook.status}): the completion handler runs in the background.
                          </div>`
                      : null
                  }
                </div>`
              : screen
                ? html`<div class="components">${renderComponents(children(screen) as Component[], context)}</div>`
                : html`<div class="problem" role="alert">
                    <strong>No screen "${current?.id}" in the Flow JSON</strong>
                    <div class="fix">Pick a screen on the left.</div>
                  </div>`
          }
        </div>
        ${errorMessage && !completion ? html`<div class="snackbar" role="alert">${errorMessage}</div>` : null}
      </div>
      <div class="origin">
        ${completion ? 'Completed' : current ? `${current.id} · data ${({ example: 'from __example__', endpoint: 'from the endpoint', navigate: 'from the navigate payload', update: 'changed by update_data' } as const)[current.origin]}` : ''}${busy ? ' · waiting for the endpoint…' : ''}
      </div>
    </main>

    <section class="inspector">
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
      ${log.map(
        (entry) =>
          html`<details class=${`entry log ${entry.ok ? 'ok' : 'bad'}`} open=${entry.id === sequence} key=${entry.id}>
            <summary>${entry.ok ? '✔' : '✖'} ${entry.title}</summary>
            ${
              entry.exchange
                ? html` ${
                      entry.exchange.problem
                        ? html`<div class="problem">
                            <strong>${entry.exchange.problem.title}</strong>
                            <div class="fix">${entry.exchange.problem.fix}</div>
                          </div>`
                        : null
                    }
                    <h3>Request (decrypted)</h3>
                    <pre>${json(entry.exchange.request)}</pre>
                    <h3>Reply (decrypted)</h3>
                    <pre>${entry.exchange.reply ? json(entry.exchange.reply) : (entry.exchange.text ?? '(none)')}</pre>
                    <h3>Contract</h3>
                    ${
                      entry.exchange.status === 200
                        ? entry.exchange.violations.length
                          ? html`<ul class="violations">
                              ${entry.exchange.violations.map((violation) => html`<li>${violation}</li>`)}
                            </ul>`
                          : html`<p class="contract-ok">✔ The reply matches the Flow JSON</p>`
                        : html`<p>Not checked (no reply)</p>`
                    }
                    <p class="timing">${entry.exchange.durationMs} ms</p>`
                : null
            }
            ${entry.detail !== undefined ? html`<pre>${json(entry.detail)}</pre>` : null}
          </details>`,
      )}
    </section>
  </div>`;
}
