import { flowsOverview } from '../../meta-flows/flows-overview.js';
import { sameFlowJson } from '../../meta-flows/deploy-plan.js';
import { readFlowJsonText } from '../../meta-flows/local-flows.js';
import { METRIC_NAMES, type MetaMetric } from '../../meta-flows/meta-flow.types.js';
import { CliError } from '../keys/cli-error.js';
import { tenantFlag } from '../tenant.js';
import { alertsOf, openCliDatabase, type StoredAlert } from './cli-database.js';
import { createContext, localFlow, printValidationErrors, requireRemoteFlow } from './context.js';
import { Output, step, table } from './output.js';

const show = (value: unknown) => (value === null || value === undefined ? '-' : String(value));

/** `list`: each local flow beside Meta's copy, then Meta's flows no module owns. */
export async function list(options: { json?: boolean; tenant?: string }): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const rows = await step('Reading the flows on Meta', () => flowsOverview(context.client, context.locals, context.config.publicUrl, context.tenant));
  output.print(
    table(
      ['FLOW', 'META NAME', 'ID', 'STATUS', 'JSON', 'ENDPOINT', 'IN SYNC', 'ERRORS', 'CAN SEND'],
      rows.map((row) => [
        row.flow ?? '(no module)',
        row.metaName,
        show(row.id),
        row.id ? show(row.status) : 'not on Meta',
        show(row.jsonVersion),
        row.endpointUri ? `${row.endpointUri}${row.endpointOk === false ? ' (≠ PUBLIC_URL)' : ''}` : '-',
        row.inSync === null ? '-' : row.inSync ? 'yes' : 'DRIFT',
        show(row.validationErrors),
        show(row.canSendMessage),
      ]),
    ),
  );
  const local = rows.filter((row) => row.flow);
  const drift = local.filter((row) => row.id && (row.inSync === false || row.endpointOk === false));
  const missing = local.filter((row) => !row.id);
  output.ok(`${local.length} local flow${local.length === 1 ? '' : 's'}, ${rows.filter((row) => row.id).length} on Meta`);
  if (missing.length) output.info(`not on Meta: ${missing.map((row) => row.flow).join(', ')} (npm run flows -- deploy <flow>)`);
  if (drift.length) output.warn(`differs from the module: ${drift.map((row) => row.flow).join(', ')} (npm run flows -- deploy <flow>)`);
  return output.finish({ flows: rows });
}

/** `status`: one flow as Meta sees it, with its health and the alerts the webhook stored. */
export async function status(options: { positionals: string[]; json?: boolean; tenant?: string }): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  const expected = context.endpointUri(flow.name);
  const remoteJson = await step('Downloading the Flow JSON', () => context.client.downloadJson(remote.id));

  output.ok(
    `${flow.name}: "${remote.name}" id ${remote.id}, status ${remote.status}, Flow JSON ${remote.json_version ?? '?'}, data API ${remote.data_api_version ?? '-'}`,
  );
  if (remote.endpoint_uri === expected) output.ok(`endpoint_uri ${remote.endpoint_uri}`);
  else
    output.fail(
      `endpoint_uri is ${remote.endpoint_uri ?? 'not set'}, expected ${expected}: run npm run flows -- deploy ${flow.name}${tenantFlag(context.tenant)}`,
    );
  if (sameFlowJson(readFlowJsonText(flow), remoteJson)) output.ok(`Flow JSON equals ${flow.displayFile}`);
  else output.warn(`Meta's Flow JSON differs from ${flow.displayFile}: run npm run flows -- deploy ${flow.name}`);

  const errors = remote.validation_errors ?? [];
  if (errors.length) {
    printValidationErrors(output, flow, errors);
    output.fail(`${errors.length} validation error${errors.length === 1 ? '' : 's'} (it cannot be published until they are fixed)`);
  } else output.ok('no validation errors');

  const health = remote.health_status;
  if (!health) output.warn('Meta gave no health_status');
  else {
    const mark = health.can_send_message === 'AVAILABLE' ? 'ok' : health.can_send_message === 'LIMITED' ? 'warn' : 'fail';
    output[mark](`can send messages: ${health.can_send_message}`);
    for (const entity of health.entities ?? []) {
      const line = `${entity.entity_type} ${entity.id}: ${entity.can_send_message}`;
      if (entity.can_send_message === 'AVAILABLE') output.ok(line);
      else output[entity.can_send_message === 'LIMITED' ? 'warn' : 'fail'](line);
      for (const error of entity.errors ?? []) {
        output.print(
          `    ${error.error_code ?? ''} ${error.error_description ?? ''}${error.possible_solution ? `. Fix: ${error.possible_solution}` : ''}`.trimEnd(),
        );
      }
    }
  }

  let alerts: StoredAlert[] | undefined;
  const database = await openCliDatabase();
  if (!database.ok) output.info(`alerts stored by the webhook worker not shown: ${database.reason}`);
  else {
    try {
      alerts = await alertsOf(database.db, remote.id);
    } finally {
      await database.close();
    }
    if (!alerts.length) output.ok('no flows alerts stored for this flow');
    for (const { receivedAt, alert } of alerts) {
      const what =
        alert.event === 'FLOW_STATUS_CHANGE'
          ? `${alert.old_status} → ${alert.new_status}`
          : `${alert.alert_state ?? ''} ${alert.message ?? ''}`.trim();
      output.info(`${receivedAt.toISOString()} ${alert.event}: ${what}`);
    }
  }
  return output.finish({
    flow: flow.name,
    meta: remote,
    expectedEndpointUri: expected,
    inSync: sameFlowJson(readFlowJsonText(flow), remoteJson),
    alerts: alerts ?? null,
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Said first by `metrics`, because Meta's answer alone reads as if all were well. */
export const METRICS_DEPRECATED =
  "Meta's Flows Metrics API is deprecated since 30 April 2026 and answers nothing below 250 requests: watch the flows webhooks " +
  "(ENDPOINT_* alerts, FLOW_STATUS_CHANGE), health_status (flowgate meta status <flow>) and Flowgate's own metrics (GET /metrics)";

/** `metrics`: Meta's endpoint metrics, one row per period. */
export async function metrics(options: {
  positionals: string[];
  since?: string;
  until?: string;
  granularity?: string;
  json?: boolean;
  tenant?: string;
}): Promise<number> {
  const granularity = (options.granularity ?? 'DAY').toUpperCase();
  if (!['DAY', 'HOUR', 'LIFETIME'].includes(granularity)) throw new CliError('--granularity must be DAY, HOUR or LIFETIME');
  for (const key of ['since', 'until'] as const) {
    if (options[key] && !DATE.test(options[key]!)) throw new CliError(`--${key} must be a date like 2026-01-31`);
  }
  const output = new Output(Boolean(options.json));
  output.warn(METRICS_DEPRECATED);
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  const results: Partial<Record<(typeof METRIC_NAMES)[number], MetaMetric | undefined>> = {};
  for (const name of METRIC_NAMES) {
    results[name] = await step(`Reading ${name}`, () =>
      context.client.metric(remote.id, name, { granularity, since: options.since, until: options.until }),
    );
  }
  // One row per period; each metric's keys in its column (errors by type, p50/p90).
  const periods = [...new Set(Object.values(results).flatMap((metric) => metric?.data_points.map((point) => point.timestamp) ?? []))].sort();
  const cell = (name: (typeof METRIC_NAMES)[number], timestamp: string, format: (key: string, value: number) => string) =>
    results[name]?.data_points
      .find((point) => point.timestamp === timestamp)
      ?.data.map(({ key, value }) => format(key, value))
      .join(' ') ?? '-';
  const plain = (_: string, value: number) => String(value);
  output.print(
    table(
      ['PERIOD', 'REQUESTS', 'ERRORS', 'ERROR RATE', 'LATENCY', 'AVAILABILITY'],
      periods.map((timestamp) => [
        timestamp,
        cell('ENDPOINT_REQUEST_COUNT', timestamp, plain),
        cell('ENDPOINT_REQUEST_ERROR', timestamp, (key, value) => `${key}=${value}`),
        cell('ENDPOINT_REQUEST_ERROR_RATE', timestamp, (_, value) => `${value}%`),
        cell('ENDPOINT_REQUEST_LATENCY_SECONDS_CEIL', timestamp, (key, value) => `${key}=${value}s`),
        cell('ENDPOINT_AVAILABILITY', timestamp, (_, value) => `${value}%`),
      ]),
    ),
  );
  if (periods.length === 0) output.info(`${flow.name}: Meta returned no endpoint metrics (nothing below 250 requests)`);
  else output.ok(`${flow.name}: ${periods.length} ${granularity.toLowerCase()} period${periods.length === 1 ? '' : 's'} of endpoint metrics`);
  return output.finish({ flow: flow.name, id: remote.id, granularity, metrics: results });
}
