// `npm run flow:simulate -- <flow> [--url http://localhost:3000] [--script steps.json] [--token T]`
// Plays WhatsApp's client against a running Flowgate: encrypts and signs each request like the phone,
// decrypts the replies, checks them against the flow's Flow JSON and shows each screen.
import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { ConfigValidationError } from '../config/validate-env.js';
import type { FlowJsonScreen } from '../flow-json/index.js';
import { readFlowJson } from '../flow-json/files.js';
import { FlowContract } from '../flows-core/testing.js';
import { credentialsFromConfig, EndpointUnreachable, findFlowJson, FlowClient } from './flow-client.js';
import { footerAction, formFields, resolvePayload } from './flow-payload.js';

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
}

class Failure extends Error {}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.FLOWGATE_URL ?? `http://localhost:${process.env.PORT ?? 3000}` },
    script: { type: 'string' },
    token: { type: 'string' },
    'flow-json': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const flow = positionals[0];
if (options.help || !flow) {
  console.log('Usage: npm run flow:simulate -- <flow> [--url http://localhost:3000] [--script steps.json] [--token TOKEN] [--flow-json file]');
  process.exit(flow ? 0 : 2);
}

function flowJsonPath(): string {
  const found = findFlowJson(flow!, options['flow-json']);
  if (!found) throw new Failure(`No Flow JSON for "${flow}": pass --flow-json <file>`);
  return found;
}

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

async function main(): Promise<void> {
  const client = new FlowClient({ url: options.url!, flow: flow!, ...credentialsFromConfig() });
  const contract = new FlowContract(readFlowJson(new URL(`file://${process.cwd()}/${flowJsonPath()}`)));
  const screens = new Map(contract.flowJson.screens.map((screen) => [screen.id, screen]));
  const token = options.token ?? FlowClient.randomToken();

  async function send(payload: Record<string, unknown>): Promise<Reply> {
    const reply = await client.send({ flow_token: token, ...payload }).catch((error: unknown) => {
      throw error instanceof EndpointUnreachable ? new Failure(error.message) : error;
    });
    return { status: reply.status, body: reply.body };
  }

  /** Sends one step and checks the reply; returns the screen now shown and its data. */
  async function play(step: Step, current: { screen?: string; data: Record<string, unknown> }) {
    const action = step.action ?? 'data_exchange';
    const from = step.screen ?? current.screen;
    let payload: Record<string, unknown> | undefined = step.data;
    if (action === 'data_exchange' && step.form) {
      const footer = from ? footerAction(screens.get(from) ?? ({ id: from } as FlowJsonScreen)) : undefined;
      if (!footer || footer.name !== 'data_exchange') throw new Failure(`Screen ${from} has no Footer with a data_exchange action`);
      payload = resolvePayload(footer.payload, step.form, current.data);
    }
    const request = action === 'INIT' ? { action } : { action, screen: from, data: payload ?? {} };
    const reply = await send(request);
    const expectedStatus = step.expect?.status ?? 200;
    if (reply.status !== expectedStatus) {
      const hint = reply.status === 427 ? ` (${reply.body?.error_msg ?? 'token refused'}; a flow that only accepts issued tokens needs --token)` : '';
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

  console.log(`Simulating flow "${flow}" against ${options.url} with token ${token}`);
  if (options.script) {
    const steps = JSON.parse(readFileSync(options.script, 'utf8')) as Step[];
    let current: { screen?: string; data: Record<string, unknown> } = { screen: contract.entryScreen, data: {} };
    for (const [index, step] of steps.entries()) {
      try {
        current = await play(step, current);
      } catch (error) {
        if (error instanceof Failure) throw new Failure(`Step ${index + 1}: ${error.message}`);
        throw error;
      }
    }
    console.log(`\nAll ${steps.length} steps passed.`);
    return;
  }
  await interactive(play, screens, contract.entryScreen);
}

/** Asks for each form field the screen declares, then presses its Footer. */
async function interactive(
  play: (step: Step, current: { screen?: string; data: Record<string, unknown> }) => Promise<{ screen?: string; data: Record<string, unknown> }>,
  screens: Map<string, FlowJsonScreen>,
  entry: string,
): Promise<void> {
  const rl: Interface = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const start = (await rl.question(`Start with INIT (the flow was sent with flow_action data_exchange)? [Y/n] `)).trim().toLowerCase();
    let current: { screen?: string; data: Record<string, unknown> } = { screen: entry, data: {} };
    if (start !== 'n') current = await play({ action: 'INIT' }, current);
    else console.log(`\n── ${entry} ──`);
    for (;;) {
      if (current.screen === 'SUCCESS') return;
      const screen = screens.get(current.screen ?? '');
      if (!screen) return;
      const form: Record<string, unknown> = {};
      for (const field of formFields(screen)) {
        const options = field.dataSource
          ? (current.data[field.dataSource.replace(/^\$\{data\.|\}$/g, '')] as Array<{ id: string; title: string }> | undefined)
          : undefined;
        if (options?.length) options.forEach((option, i) => console.log(`    ${i + 1}. ${option.title} (${option.id})`));
        const optional = field.required || /optional/i.test(field.label) ? '' : ' (optional)';
        const answer = (await rl.question(`  ${field.label}${optional}${options?.length ? ' [number]' : ''}: `)).trim();
        form[field.name] = options?.length && /^\d+$/.test(answer) ? (options[Number(answer) - 1]?.id ?? answer) : answer;
      }
      const footer = footerAction(screen);
      if (!footer) return;
      if (footer.name === 'navigate' && footer.next) {
        current = { screen: footer.next.name, data: resolvePayload(footer.payload ?? {}, form, current.data) };
        console.log(`\n── ${current.screen} ── (navigate, no request)`);
        continue;
      }
      if (footer.name === 'complete') {
        console.log(`\n✔ Flow completed on the phone. response_json: ${JSON.stringify(resolvePayload(footer.payload ?? {}, form, current.data))}`);
        return;
      }
      try {
        current = await play({ form }, current);
      } catch (error) {
        if (!(error instanceof Failure)) throw error;
        console.log(`✖ ${error.message}`);
      }
    }
  } finally {
    rl.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof Failure || error instanceof ConfigValidationError) {
    console.error(`✖ ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
