// Traces (OpenTelemetry), off unless configured: the SDK starts from register.ts (`node --import`),
// and until it does every helper here runs its work directly.
export { inChildSpan, inJobSpan, inSpan, KIND, traceCarrier, tracingEnabled, type SpanNotes } from './spans.js';
export { traceHttpRequests } from './http-spans.js';
export { TracingModule } from './tracing.module.js';
