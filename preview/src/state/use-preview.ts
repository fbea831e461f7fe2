// The page's state and commands: the reducer of preview-state.ts plus what talks to the preview
// server (load and watch the Flow JSON, start, exchange with the endpoint, upload media, post the
// completion webhook).
import { useEffect } from 'preact/hooks';
import * as api from '../api.js';
import { resolve, type Values } from '../expressions.js';
import type { Component, FlowAction } from '../flow-json-types.js';
import { initialState, reduce, scopeOf, screensOf, type Shown } from './preview-state.js';
import { useStore } from './use-store.js';

const SERVER_GONE = 'Is the preview server still running? Start it again with npm run flow:preview.';

export function usePreview() {
  const [state, dispatch, latest] = useStore(reduce, initialState);

  async function load(reloaded: boolean) {
    try {
      const info = await api.loadFlow();
      dispatch({ type: 'loaded', info, reloaded });
      return info;
    } catch (error) {
      dispatch({ type: 'load-failed', message: (error as Error).message });
      return undefined;
    }
  }

  useEffect(() => {
    // The entry screen shows with its __example__ data until the flow is started.
    void load(false).then((info) => info?.flowJson && info.entry && dispatch({ type: 'open', screen: info.entry }));
    return api.watchFlow(() => void load(true));
  }, []);

  async function send(action: string, from: string | undefined, data: Values | undefined, base: Shown[]) {
    dispatch({ type: 'sending' });
    try {
      dispatch({ type: 'exchanged', result: await api.exchange(action, from, data), base });
    } catch (error) {
      dispatch({ type: 'failed', problem: { title: (error as Error).message, fix: SERVER_GONE } });
    }
  }

  /** Opens the flow the way WhatsApp does for this Flow JSON: INIT, or the entry screen without a request. */
  function start() {
    const { info } = latest();
    const plan = info?.start;
    if (!plan) return;
    if (plan.action === 'INIT') {
      dispatch({ type: 'open', screen: plan.screen });
      void send('INIT', undefined, undefined, []);
      return;
    }
    const screen = screensOf(latest()).get(plan.screen);
    // A flow without an endpoint gets the entry screen's data from the message that sent it: the preview uses __example__.
    const data = info?.flowJson?.data_api_version || !screen?.data ? {} : undefined;
    dispatch({ type: 'open', screen: plan.screen, data, origin: 'start' });
    dispatch({
      type: 'record',
      entry: { title: `Start: ${plan.screen} opens without a request (navigate)`, detail: { why: plan.reason }, tone: 'ok' },
    });
  }

  async function restart() {
    const info = await api.restart();
    dispatch({ type: 'restarted', info });
    if (info.entry) dispatch({ type: 'open', screen: info.entry });
  }

  function act(action: FlowAction) {
    const now = latest();
    const current = now.stack[now.stack.length - 1];
    if (!current || now.busy) return;
    if (action.name === 'data_exchange') {
      if (!screensOf(now).has(current.id)) return;
      void send('data_exchange', current.id, (resolve(action.payload ?? {}, scopeOf(now.stack)) ?? {}) as Values, now.stack);
      return;
    }
    dispatch({ type: 'act', action });
  }

  function back() {
    const now = latest();
    const current = now.stack[now.stack.length - 1];
    if (!now.completion && current && screensOf(now).get(current.id)?.refresh_on_back) {
      void send('BACK', current.id, {}, now.stack);
      return;
    }
    dispatch({ type: 'back' });
  }

  const setField = (name: string, value: unknown) => dispatch({ type: 'set-field', name, value });
  const touch = (name: string) => dispatch({ type: 'touch', name });

  /** PhotoPicker/DocumentPicker: each file encrypted and put on the preview's CDN, as the phone uploads it. */
  async function pickFiles(name: string, files: File[], component: Component) {
    const maxKb = Number(component['max-file-size-kb'] ?? 25 * 1024);
    const tooBig = files.find((file) => file.size > maxKb * 1024);
    if (tooBig) {
      dispatch({
        type: 'failed',
        problem: { title: `${tooBig.name} is over ${maxKb} KB`, fix: `The phone refuses files over max-file-size-kb (${maxKb}) of ${name}.` },
      });
      return;
    }
    try {
      const media = await Promise.all(files.map((file) => api.uploadMedia(file)));
      dispatch({
        type: 'record',
        entry: {
          title: `${component.type} ${name}: ${media.length} file(s) encrypted and put on the preview's CDN`,
          detail: media.map(({ media_id, cdn_url, file_name }) => ({ media_id, cdn_url, file_name })),
          tone: 'ok',
        },
      });
      setField(name, media);
    } catch (error) {
      dispatch({ type: 'failed', problem: { title: (error as Error).message, fix: 'Is the preview server still running?' } });
    }
  }

  async function sendWebhook() {
    const { completion } = latest();
    if (!completion) return;
    dispatch({ type: 'webhook', webhook: { status: 0, sending: true } });
    const { flow_token: _token, ...params } = completion.params;
    try {
      const result = await api.complete(params);
      dispatch({
        type: 'record',
        entry: {
          title: `nfm_reply webhook · ${result.status ? `HTTP ${result.status}` : 'no answer'}`,
          detail: { response_json: params },
          tone: result.problem ? 'bad' : 'ok',
        },
      });
      dispatch({ type: 'webhook', webhook: result });
    } catch (error) {
      dispatch({
        type: 'webhook',
        webhook: { status: 0, problem: { title: (error as Error).message, fix: 'Is the preview server still running?' } },
      });
    }
  }

  return {
    state,
    start,
    restart: () => void restart(),
    open: (screen: string) => dispatch({ type: 'open', screen }),
    act,
    back,
    setField,
    touch,
    pickFiles: (name: string, files: File[], component: Component) => void pickFiles(name, files, component),
    sendWebhook: () => void sendWebhook(),
  };
}

export type Preview = ReturnType<typeof usePreview>;
