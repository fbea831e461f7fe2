import { context, propagation, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { tracePostgres } from './pg-spans.js';
import { installTraceBackend } from './spans.js';
import type { TracingSettings } from './tracing-settings.js';

export const TRACER_NAME = 'flowgate';

/** OTLP over HTTP, encoded as the protocol says; both exporters read the standard OTEL_EXPORTER_OTLP_* variables. */
const exporterFor = (settings: TracingSettings): SpanExporter => (settings.protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter());

/**
 * Starts the OpenTelemetry SDK: a tracer provider with the OTLP/HTTP exporter the protocol names,
 * batched (bounded queue, the SDK's OTEL_BSP_* defaults), the sampler of OTEL_TRACES_SAMPLER, W3C
 * trace context, async context through AsyncLocalStorage; then Postgres queries get client spans.
 * Loaded only when tracing is configured.
 */
export function startTracing(settings: TracingSettings, exporter: SpanExporter = exporterFor(settings)): void {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }))
    // OTEL_RESOURCE_ATTRIBUTES (and OTEL_SERVICE_NAME) as the operator set them.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  const tracer = trace.getTracer(TRACER_NAME);
  installTraceBackend({
    tracer,
    active: () => context.active(),
    withSpan: <T>(span: Span, work: () => T) => context.with(trace.setSpan(context.active(), span), work),
    inject: () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier;
    },
    extract: (carrier) => propagation.extract(ROOT_CONTEXT, carrier),
    recording: () => trace.getSpan(context.active())?.isRecording() ?? false,
    linkTo: (carrier) => {
      const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
      return linked && trace.isSpanContextValid(linked) ? { context: linked } : undefined;
    },
    flush: () => provider.forceFlush(),
  });
  tracePostgres();
  // A process that ends without Nest's shutdown (an uncaught error) still sends what it buffered.
  process.once('beforeExit', () => void provider.shutdown());
}
