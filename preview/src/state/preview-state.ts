// The page's state and every change to it, as one pure reducer: the screens on the phone's stack,
// the inspector's log, what the phone shows over the screen (a problem, a notice, the completion).
// What talks to the preview server lives in use-preview.ts and dispatches here.
import type { Exchange, FlowInfo, Problem } from '../api.js';
import { resolve, type Scope, type Values } from '../expressions.js';
import type { FlowAction, Screen } from '../flow-json-types.js';
import { responseSummary, type SummaryRow } from '../response-summary.js';
import { declaredErrors, exampleData, initialForm, inputProblems } from '../screen-state.js';

/** One screen on the stack, as the user sees it. */
export interface Shown {
  id: string;
  data: Values;
  form: Values;
  /** Where the data came from, shown under the phone. */
  origin: 'example' | 'endpoint' | 'navigate' | 'update' | 'start';
  touched: Record<string, boolean>;
  /** Fields changed since the screen was shown: their declared error-message is gone. */
  edited: Record<string, boolean>;
}

/** ok: as expected; warn: an error message the phone shows; bad: something to fix. */
export type Tone = 'ok' | 'warn' | 'bad';

export interface LogEntry {
  id: number;
  title: string;
  exchange?: Exchange;
  detail?: unknown;
  tone: Tone;
}

export interface Completion {
  params: Values;
  /** How the flow ended, in a sentence. */
  how: string;
  /** What the user can open in the chat afterwards (sensitive fields masked). */
  summary: SummaryRow[];
  webhook?: { status: number; problem?: Problem; sending?: boolean };
}

export interface PreviewState {
  info?: FlowInfo;
  loadError?: string;
  stack: Shown[];
  /** Newest first, at most 100. */
  log: LogEntry[];
  /** The id of the newest log entry (opened in the inspector). */
  sequence: number;
  problem?: Problem;
  notice?: string;
  completion?: Completion;
  busy: boolean;
}

export const initialState: PreviewState = { stack: [], log: [], sequence: 0, busy: false };

export type PreviewAction =
  | { type: 'loaded'; info: FlowInfo; reloaded: boolean }
  | { type: 'load-failed'; message: string }
  | { type: 'restarted'; info: FlowInfo }
  /** Replaces the stack with one screen: its `__example__` data unless data is given. */
  | { type: 'open'; screen: string; data?: Values; origin?: Shown['origin'] }
  | { type: 'record'; entry: Omit<LogEntry, 'id'> }
  | { type: 'sending' }
  /** The endpoint's answer to a request sent while `base` was the stack. */
  | { type: 'exchanged'; result: Exchange; base: Shown[] }
  | { type: 'failed'; problem: Problem }
  /** An action the page runs itself: navigate, update_data, open_url, complete. */
  | { type: 'act'; action: FlowAction }
  | { type: 'back' }
  | { type: 'set-field'; name: string; value: unknown }
  | { type: 'touch'; name: string }
  | { type: 'webhook'; webhook: NonNullable<Completion['webhook']> };

export function screensOf(state: PreviewState): Map<string, Screen> {
  return new Map((state.info?.flowJson?.screens ?? []).map((screen) => [screen.id, screen]));
}

export function scopeScreens(all: Shown[]): NonNullable<Scope['screens']> {
  return Object.fromEntries(all.map((entry) => [entry.id, { data: entry.data, form: entry.form }]));
}

/** The scope `${data.x}`, `${form.x}` and `${screen.S.x}` resolve against on the top screen. */
export function scopeOf(stack: Shown[]): Scope {
  const top = stack[stack.length - 1];
  return { data: top?.data ?? {}, form: top?.form ?? {}, screens: scopeScreens(stack) };
}

function shown(screens: Map<string, Screen>, id: string, data: Values, origin: Shown['origin'], below: Shown[]): Shown {
  const target = screens.get(id);
  const scope = { data, form: {}, screens: scopeScreens(below) };
  return { id, data, form: target ? initialForm(target, scope) : {}, origin, touched: {}, edited: {} };
}

function record(state: PreviewState, entry: Omit<LogEntry, 'id'>): PreviewState {
  const id = state.sequence + 1;
  return { ...state, sequence: id, log: [{ ...entry, id }, ...state.log].slice(0, 100) };
}

function replaceTop(state: PreviewState, change: (top: Shown) => Shown): PreviewState {
  const top = state.stack[state.stack.length - 1];
  return top ? { ...state, stack: [...state.stack.slice(0, -1), change(top)] } : state;
}

function complete(state: PreviewState, params: Values, how: string, stack = state.stack): PreviewState {
  return { ...state, completion: { params, how, summary: responseSummary(stack, screensOf(state)) } };
}

/** How an endpoint answer shows in the inspector. */
export function toneOf(result: Exchange): Tone {
  if (result.problem || result.verdict === 'violates' || result.verdict === 'no_reply') return 'bad';
  return result.verdict === 'error_message' ? 'warn' : 'ok';
}

/** An endpoint reply on the phone: a new screen, the same screen with new data, or the completion. */
function applyReply(state: PreviewState, result: Exchange, base: Shown[]): PreviewState {
  const reply = result.reply;
  if (result.status !== 200 || !reply?.screen) return state;
  if (reply.screen === 'SUCCESS') {
    const params = ((reply.data?.extension_message_response as { params?: Values } | undefined)?.params ?? {}) as Values;
    const { action, screen } = result.request as { action?: string; screen?: string };
    const to = `${action ?? 'the request'}${screen ? ` from ${screen}` : ''}`;
    return complete(state, params, `The endpoint ended the flow: it answered ${to} with the SUCCESS screen.`, base);
  }
  const screens = screensOf(state);
  const data = reply.data ?? {};
  const top = base[base.length - 1];
  if (top && top.id === reply.screen) return { ...state, stack: [...base.slice(0, -1), { ...top, data, origin: 'endpoint' }] };
  // Going back to a screen already on the stack returns to it, as the client does.
  const index = base.findIndex((entry) => entry.id === reply.screen);
  const kept = index >= 0 ? base.slice(0, index) : base;
  return { ...state, stack: [...kept, shown(screens, reply.screen, data, 'endpoint', kept)] };
}

function act(state: PreviewState, action: FlowAction): PreviewState {
  const screens = screensOf(state);
  const current = state.stack[state.stack.length - 1];
  if (!current || !screens.has(current.id)) return state;
  const scope = scopeOf(state.stack);
  const payload = (resolve(action.payload ?? {}, scope) ?? {}) as Values;
  switch (action.name) {
    case 'navigate': {
      const next = action.next?.name;
      if (!next || !screens.has(next)) {
        return {
          ...state,
          problem: { title: `navigate to "${next}": no such screen`, fix: `Fix on-click-action.next.name on screen ${current.id}.` },
        };
      }
      const declared = Object.keys(screens.get(next)?.data ?? {});
      const missing = declared.filter((key) => !(key in payload));
      const logged = record(state, {
        title: `navigate ${current.id} → ${next} (no request)`,
        detail: { payload, ...(missing.length ? { 'not in the payload': missing } : {}) },
        tone: missing.length === 0 ? 'ok' : 'bad',
      });
      return { ...logged, problem: undefined, stack: [...state.stack, shown(screens, next, payload, 'navigate', state.stack)] };
    }
    case 'update_data': {
      const logged = record(state, { title: `update_data on ${current.id}`, detail: payload, tone: 'ok' });
      return replaceTop(logged, (top) => ({ ...top, data: { ...top.data, ...payload }, origin: 'update' }));
    }
    case 'open_url': {
      const url = String(resolve(action.url, scope) ?? '');
      return { ...record(state, { title: `open_url ${url} (shown, not opened)`, tone: 'ok' }), notice: `The phone would open ${url}` };
    }
    case 'complete': {
      const logged = record(state, { title: `complete on ${current.id}`, detail: { response_json: payload }, tone: 'ok' });
      return complete(logged, payload, `The complete action on ${current.id} ended the flow.`);
    }
    default:
      return {
        ...state,
        problem: { title: `Unknown action "${action.name}"`, fix: 'Use navigate, data_exchange, update_data, open_url or complete.' },
      };
  }
}

export function reduce(state: PreviewState, action: PreviewAction): PreviewState {
  switch (action.type) {
    case 'loaded': {
      const next = { ...state, info: action.info, loadError: undefined };
      if (action.info.error) return record(next, { title: `Flow JSON not loaded: ${action.info.error}`, tone: 'bad' });
      return action.reloaded ? record(next, { title: 'Flow JSON changed: reloaded', tone: 'ok' }) : next;
    }
    case 'load-failed':
      return { ...state, loadError: action.message };
    case 'restarted':
      return { ...state, info: action.info, log: [] };
    case 'open': {
      const screens = screensOf(state);
      const target = screens.get(action.screen);
      if (!target) return state;
      const data = action.data ?? exampleData(target);
      return {
        ...state,
        completion: undefined,
        problem: undefined,
        notice: undefined,
        stack: [shown(screens, action.screen, data, action.origin ?? 'example', [])],
      };
    }
    case 'record':
      return record(state, action.entry);
    case 'sending':
      return { ...state, busy: true, problem: undefined, notice: undefined };
    case 'exchanged': {
      const { result } = action;
      const arrow = result.reply?.screen ? ` → ${result.reply.screen}` : '';
      const status = result.status === 0 ? 'no answer' : `HTTP ${result.status}`;
      const { action: name, screen } = result.request as { action?: string; screen?: string };
      const logged = record(
        { ...state, busy: false, problem: result.problem },
        {
          title: `${name}${screen ? ` from ${screen}` : ''}${arrow} · ${status}${result.errorMessage ? ' · error message' : ''} · ${result.durationMs} ms`,
          exchange: result,
          tone: toneOf(result),
        },
      );
      return applyReply(logged, result, action.base);
    }
    case 'failed':
      return { ...state, busy: false, problem: action.problem };
    case 'act':
      return act(state, action.action);
    case 'back': {
      if (state.completion) return { ...state, completion: undefined };
      if (state.stack.length <= 1) return state;
      return { ...state, problem: undefined, stack: state.stack.slice(0, -1) };
    }
    case 'set-field':
      return replaceTop(state, (top) => ({
        ...top,
        form: { ...top.form, [action.name]: action.value },
        edited: { ...top.edited, [action.name]: true },
      }));
    case 'touch': {
      const top = state.stack[state.stack.length - 1];
      if (!top || top.touched[action.name]) return state;
      return replaceTop(state, (entry) => ({ ...entry, touched: { ...entry.touched, [action.name]: true } }));
    }
    case 'webhook':
      return state.completion ? { ...state, completion: { ...state.completion, webhook: action.webhook } } : state;
  }
}

/** What the top screen shows and allows: the errors under its fields and whether its Footer works. */
export function screenView(state: PreviewState) {
  const current = state.stack[state.stack.length - 1];
  const screen = current ? screensOf(state).get(current.id) : undefined;
  const scope = scopeOf(state.stack);
  const problems = screen ? inputProblems(screen, scope) : {};
  const declared = screen ? declaredErrors(screen, scope) : {};
  const errors: Record<string, string | undefined> = {};
  for (const name of new Set([...Object.keys(problems), ...Object.keys(declared)])) {
    // An error sent for the screen shows until the field is edited; the field's own problems once it was left.
    errors[name] = !current?.edited[name] && declared[name] ? declared[name] : current?.touched[name] ? problems[name] : undefined;
  }
  return { current, screen, scope, errors, canSubmit: !state.busy && Object.keys(problems).length === 0 };
}
