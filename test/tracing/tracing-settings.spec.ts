import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { sanitizedQuery } from '../../src/tracing/pg-spans.js';
import { TracingSettingsError, tracingSettings } from '../../src/tracing/tracing-settings.js';
import { PROJECT_ROOT } from '../support/server-process.js';

const ENDPOINT = 'http://127.0.0.1:4318';

describe('tracing settings: off unless an OTLP endpoint is named', () => {
  it('is off without an endpoint, or when the SDK or the exporter is switched off', () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('is on with either endpoint; protobuf by default, as the specification says; the service is flowgate unless named', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT })).toEqual({ protocol: 'http/protobuf', serviceName: 'flowgate' });
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'gate',
      }),
    ).toEqual({ protocol: 'http/json', serviceName: 'gate' });
    // The traces-specific protocol wins over the general one.
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      })?.protocol,
    ).toBe('http/protobuf');
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /^OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' }, /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL$/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /^OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '10%' }, /^OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1$/],
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, /^OTEL_TRACES_EXPORTER must be otlp or none/],
  ])('refuses %p with one line naming the variable', (env, message) => {
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, ...env })).toThrow(TracingSettingsError);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, ...env })).toThrow(message);
  });

  it('never echoes an endpoint (it may carry credentials)', () => {
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'user:s3cret@collector' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL$/,
    );
  });
});

describe('Postgres span text', () => {
  it('keeps the statement and its placeholders, masks every literal', () => {
    expect(sanitizedQuery("SELECT * FROM flow_sessions WHERE token = $1 AND phone = '351910000000' LIMIT 10")).toBe(
      'SELECT * FROM flow_sessions WHERE token = $1 AND phone = ? LIMIT ?',
    );
    expect(sanitizedQuery("INSERT INTO t (a) VALUES (E'it''s', 3.5, $2)")).toBe('INSERT INTO t (a) VALUES (?, ?, $2)');
    expect(sanitizedQuery('SELECT $tag$PT.1502576394655843$tag$, "column2" FROM t2')).toBe('SELECT ?, "column2" FROM t2');
  });
});

/** The register file as the server loads it (`node --import`), on the build. */
const register = (env: Record<string, string>, script: string) =>
  promisify(execFile)(process.execPath, ['--import', './dist/src/tracing/register.js', '-e', script], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
  });

describe('the register file (node --import)', () => {
  // Whether the SDK's modules were loaded, and whether spans are recorded.
  const probe = `import('./dist/src/tracing/spans.js').then((spans) => console.log(JSON.stringify({
    sdk: Object.keys(require.cache).some((file) => file.includes('@opentelemetry/sdk-trace')),
    enabled: spans.tracingEnabled(),
  })))`;

  it('loads nothing of the SDK when tracing is not configured', async () => {
    const { stdout } = await register({}, probe);
    expect(JSON.parse(stdout)).toEqual({ sdk: false, enabled: false });
  });

  it('starts the SDK when an endpoint is named', async () => {
    const { stdout } = await register({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, probe);
    expect(JSON.parse(stdout)).toEqual({ sdk: true, enabled: true });
  });

  it('stops the boot with one line naming a wrong variable', async () => {
    const failed = await register(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'console.log("started")',
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toMatch(
      /^flowgate: OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json \(got "grpc"; grpc is not supported\)\n$/,
    );
  });
});
