// Plays WhatsApp's client against a running Flowgate: encrypts and signs each request like the phone,
// decrypts the replies, checks them against the flow's Flow JSON and shows each screen.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { isDeepStrictEqual } from 'node:util';
import type { FlowJsonScreen } from '../../../flow-json/index.js';
import { readFlowJson } from '../../../flow-json/files.js';
import { FlowContract } from '../../../flows-core/testing.js';
import { defineCommand } from '../../cli/command.js';
import { CliError, UsageError } from '../../cli/errors.js';
import { credentialsFromConfig, FlowClient } from '../../flow-client.js';
import { requireFlowJson } from '../../flow-names.js';
import { footerAction, formFields, resolvePayload } from '../../flow-payload.js';
import { flowStart } from '../../preview/flow-start.js';

interface Step {
  /** INIT, BACK or data_exchange (default). */
  action?: string;
  /** Screen the step is sent from; default: the screen the previous reply showed. */
  screen?: string;
  /** Form values: the payload is built from the screen's Footer action, as the phone does. */
  form?: Record<string, unknown>;
  /** A raw payload instead of `form`. */
  data?: Record<string, unknown>;
  /** What the reply must show: `screen`, and a subset of `data`. */
  expect?: { screen?: string; data?: Record<string, unknown>; status?: number };
}

interface Reply {
  status: number;
  body?: { screen?: string; data?: Record<string, unknown>; error_msg?: string };
  text?: string;
}

type Current = { screen?: string; data: Record<string, unknown> };

/** The reply did not match: one line saying what (the step is named by the caller). */
class Failure extends CliError {}

function show(screen: FlowJsonScreen | undefined, body: Reply['body']): void {
  if (!body) return;
  if (body.screen === 'SUCCESS') {
    console.log(`\n✔ Flow completed. Params: ${JSON.stringify((body.data?.extension_message_response as { params?: unknown })?.params)}`);
    return;
  }
  console.log(`\n── ${body.screen}${screen?.title ? ` · ${screen.title}` : ''} ──`);
  const { error_message: error, ...data } = body.data ?? {};
  for (const [key, value] of Object.entries(data)) console.log(`  ${key}: ${JSON.stringify(value)}`);
  if (error) console.log(`  ⚠ ${error}`);
}

function readScript(file: string): Step[] {
  let steps: unknown;
  try {
    steps = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--script ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!Array.isArray(steps) || steps.some((step) => !step || typeof step !== 'object' || Array.isArray(step))) {
    throw new CliError(`--script ${file}: expected a JSON array of steps ({ "screen"?, "form"?, "expect"? })`);
  }
  return steps as Step[];
}

export default defineCommand({
  options: { url: { type: 'string' }, script: { type: 'string' }, token: { type: 'string' }, 'flow-json': { type: 'string' } },
  positionals: true,
  json: false,
  help: `Encrypts and signs each request like WhatsApp, checks each reply against the Flow JSON and shows each screen.
--script replays steps and exits 1 on a contract violation, a non-200 answer or an unmet expectation:
  [{ "screen": "INVENTORY", "form": { "product_id": "PROD-99" }, "expect": { "screen": "AVAILABILITY" } }, ...]
--url: the running Flowgate (default FLOWGATE_URL, else http://localhost:$PORT). --token: a flow token (default a fresh one).`,
  async run({ values, positionals }) {
    const flow = positionals[0];
    if (!flow) throw new UsageError('Name a flow, e.g. inventory');
    const url = (values.url as string | undefined) ?? process.env.FLOWGATE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
    const file = requireFlowJson(flow, values['flow-json'] as string | undefined);
    const client = new FlowClient({ url, flow, ...credentialsFromConfig() });
    const contract = new FlowContract(readFlowJson(new URL(`file://${process.cwd()}/${file}`)));
    const screens = new Map(contract.flowJson.screens.map((screen) => [screen.id, screen]));
    const token = (values.token as string | undefined) ?? FlowClient.randomToken();

    /** Sends one step and checks the reply; returns the screen now shown and its data. */
    async function play(step: Step, current: Current): Promise<Current> {
      const action = step.action ?? 'data_exchange';
      const from = step.screen ?? current.screen;
      let payload: Record<string, unknown> | undefined = step.data;
      if (action === 'data_exchange' && !step.data && (step.form || from)) {
        const screen = from ? screens.get(from) : undefined;
        const footer = screen ? footerAction(screen) : undefined;
        if (!footer || footer.name !== 'data_exchange') throw new Failure(`Screen ${from} has no Footer with a data_exchange action`);
        // The phone sends the Footer's payload with what the user typed; a step without "form" fills nothing.
        const missing = step.form ? [] : formFields(screen!).filter((field) => field.required);
        if (missing.length) {
          throw new Failure(`${from} asks for ${missing.map((field) => field.name).join(', ')}: give them in the step's "form": { ... }`);
        }
        payload = resolvePayload(footer.payload, step.form ?? {}, current.data);
      }
      const request = action === 'INIT' ? { action } : { action, screen: from, data: payload ?? {} };
      const reply: Reply = await client.send({ flow_token: token, ...request });
      const expectedStatus = step.expect?.status ?? 200;
      if (reply.status !== expectedStatus) {
        const hint =
          reply.status === 427 ? ` (${reply.body?.error_msg ?? 'token refused'}; a flow that only accepts issued tokens needs --token)` : '';
        throw new Failure(`${action} from ${from ?? 'the start'}: HTTP ${reply.status}${hint}`);
      }
      if (reply.status !== 200) return current;
      const violations = contract.violations(action === 'INIT' ? undefined : from, reply.body ?? {});
      show(screens.get(reply.body?.screen ?? ''), reply.body);
      if (violations.length) throw new Failure(`Contract violation:\n  - ${violations.join('\n  - ')}`);
      if (step.expect?.screen && reply.body?.screen !== step.expect.screen) {
        throw new Failure(`Expected screen ${step.expect.screen}, got ${reply.body?.screen}`);
      }
      for (const [key, value] of Object.entries(step.expect?.data ?? {})) {
        if (!isDeepStrictEqual(reply.body?.data?.[key], value)) {
          throw new Failure(`Expected data.${key} = ${JSON.stringify(value)}, got ${JSON.stringify(reply.body?.data?.[key])}`);
        }
      }
      return { screen: reply.body?.screen, data: reply.body?.data ?? {} };
    }

    console.log(`Simulating flow "${flow}" against ${url} with token ${token}`);
    if (values.script) {
      const steps = readScript(values.script as string);
      let current: Current = { screen: contract.entryScreen, data: {} };
      for (const [index, step] of steps.entries()) {
        try {
          current = await play(step, current);
        } catch (error) {
          if (error instanceof Failure) throw new Failure(`Step ${index + 1}: ${error.message}`);
          throw error;
        }
      }
      console.log(`\nAll ${steps.length} steps passed.`);
      return 0;
    }
    return interactive(play, screens, contract.flowJson);
  },
});

/** Asks for each form field the screen declares, then presses its Footer. */
async function interactive(
  play: (step: Step, current: Current) => Promise<Current>,
  screens: Map<string, FlowJsonScreen>,
  flowJson: FlowContract['flowJson'],
): Promise<number> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl+D (or the end of piped input) closes the prompt: stop with one line, not a rejected promise's stack.
  let ended = false;
  const closed = new Promise<never>((_, reject) =>
    rl.once('close', () => {
      ended = true;
      reject(new CliError('Input ended (Ctrl+D): the simulation stopped before the flow completed'));
    }),
  );
  closed.catch(() => undefined);
  // A question cut short by the close rejects too: the close's one line is what is said.
  const ask = (question: string) => (ended ? closed : Promise.race([rl.question(question).catch(() => closed), closed]));
  try {
    // Start as WhatsApp would: INIT only when the first screen needs the endpoint's data to open.
    const start = flowStart(flowJson);
    console.log(`· ${start.reason}`);
    const prompt = start.action === 'INIT' ? 'Start with INIT? [Y/n] ' : 'Start with INIT anyway? [y/N] ';
    const answer = (await ask(prompt)).trim().toLowerCase();
    const init = start.action === 'INIT' ? answer !== 'n' : answer === 'y';
    let current: Current = { screen: start.screen, data: {} };
    if (init) {
      try {
        current = await play({ action: 'INIT' }, current);
      } catch (error) {
        if (!(error instanceof Failure) || start.action === 'INIT') throw error;
        throw new CliError(
          `${error.message}: the flow opens on ${start.screen} without INIT (its first screen declares no data), so it may not handle INIT`,
        );
      }
    } else console.log(`\n── ${start.screen} ──`);
    for (;;) {
      if (current.screen === 'SUCCESS') return 0;
      const screen = screens.get(current.screen ?? '');
      if (!screen) return 0;
      const form: Record<string, unknown> = {};
      for (const field of formFields(screen)) {
        const options = field.dataSource
          ? (current.data[field.dataSource.replace(/^\$\{data\.|\}$/g, '')] as Array<{ id: string; title: string }> | undefined)
          : undefined;
        if (options?.length) options.forEach((option, i) => console.log(`    ${i + 1}. ${option.title} (${option.id})`));
        const optional = field.required || /optional/i.test(field.label) ? '' : ' (optional)';
        const answer = (await ask(`  ${field.label}${optional}${options?.length ? ' [number]' : ''}: `)).trim();
        form[field.name] = options?.length && /^\d+$/.test(answer) ? (options[Number(answer) - 1]?.id ?? answer) : answer;
      }
      const footer = footerAction(screen);
      if (!footer) return 0;
      if (footer.name === 'navigate' && footer.next) {
        current = { screen: footer.next.name, data: resolvePayload(footer.payload ?? {}, form, current.data) };
        console.log(`\n── ${current.screen} ── (navigate, no request)`);
        continue;
      }
      if (footer.name === 'complete') {
        console.log(`\n✔ Flow completed on the phone. response_json: ${JSON.stringify(resolvePayload(footer.payload ?? {}, form, current.data))}`);
        return 0;
      }
      try {
        current = await play({ form }, current);
      } catch (error) {
        if (!(error instanceof Failure)) throw error;
        console.log(`✖ ${error.message}`);
      }
    }
  } finally {
    if (!ended) rl.close();
  }
}
