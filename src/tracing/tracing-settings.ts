/**
 * Whether and how this process exports traces, from the standard OpenTelemetry variables. Tracing
 * is on only when an OTLP endpoint is named; `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`
 * keep it off anyway. The other standard variables (headers, timeout, compression, resource
 * attributes, batch sizes, propagators) are read by the SDK itself.
 */
export interface TracingSettings {
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
}

const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/** A tracing variable that cannot be used: one line naming it. */
export class TracingSettingsError extends Error {
  override readonly name = 'TracingSettingsError';
}

const isUrl = (value: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** The settings, or undefined when tracing is off; throws TracingSettingsError for a value that cannot work. */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter && exporter !== 'otlp') throw new TracingSettingsError(`OTEL_TRACES_EXPORTER must be otlp or none (got "${exporter}")`);
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const) {
    const value = env[name];
    // The value is not echoed: an endpoint URL may carry credentials.
    if (value && !isUrl(value)) throw new TracingSettingsError(`${name} must be an http(s) URL`);
  }
  const protocolName = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new TracingSettingsError(`${protocolName} must be http/protobuf or http/json (got "${protocol}"; grpc is not supported)`);
  }
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  if (sampler && !SAMPLERS.includes(sampler)) throw new TracingSettingsError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}`);
  const ratio = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (ratio && sampler?.endsWith('traceidratio') && !(Number(ratio) >= 0 && Number(ratio) <= 1)) {
    throw new TracingSettingsError('OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1');
  }
  return { protocol: protocol as TracingSettings['protocol'], serviceName: env.OTEL_SERVICE_NAME?.trim() || 'flowgate' };
}
