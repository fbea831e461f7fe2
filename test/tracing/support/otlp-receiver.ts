import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
// The exporter's own protobuf reader (the package it serializes with): what arrives is decoded with
// the same wire rules it was written with, field by field against the OTLP trace proto.
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js';

export type AttributeValue = string | number | boolean | undefined;

/** A span as it arrived, whichever the encoding. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string }>;
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

/** A local OTLP/HTTP trace receiver (what a collector does on :4318), keeping what it decodes. */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every request body as it arrived (decompressed): searched for what must never be sent. */
  readonly bodies: Buffer[] = [];
  readonly contentTypes: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          if (request.method !== 'POST' || request.url !== '/v1/traces') {
            response.writeHead(404).end();
            return;
          }
          let body = Buffer.concat(chunks);
          if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          const type = String(request.headers['content-type'] ?? '');
          this.bodies.push(body);
          this.contentTypes.push(type);
          if (type.startsWith('application/json')) {
            this.spans.push(...fromJson(JSON.parse(body.toString('utf8'))));
            response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          } else if (type.startsWith('application/x-protobuf')) {
            this.spans.push(...fromProtobuf(body));
            response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          } else {
            response.writeHead(415).end();
          }
        } catch (error) {
          response.writeHead(400).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ---- OTLP/JSON: ids in hex, enums as numbers, int64 as numbers or strings.

type JsonValue = { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number };
type JsonKeyValue = { key: string; value?: JsonValue };

const jsonAttributes = (list: JsonKeyValue[] | undefined) =>
  Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      value?.stringValue ?? value?.boolValue ?? (value?.intValue !== undefined ? Number(value.intValue) : value?.doubleValue),
    ]),
  );

function fromJson(request: any): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = jsonAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          attributes: jsonAttributes(span.attributes),
          links: (span.links ?? []).map((link: { traceId: string; spanId: string }) => ({ traceId: link.traceId, spanId: link.spanId })),
          statusCode: span.status?.code ?? 0,
          resource,
        });
      }
    }
  }
  return spans;
}

// ---- OTLP/protobuf (opentelemetry/proto/collector/trace/v1/trace_service.proto and its imports).

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const LENGTH_DELIMITED = 2;

/** Each field of a message: `read` gets the reader positioned on the value, and must consume it. */
function fields(bytes: Uint8Array, read: (field: number, wireType: number, reader: ProtobufReader, buffer: Uint8Array) => boolean): void {
  const reader = new ProtobufReader(bytes);
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    if (!read(fieldNumber, wireType, reader, bytes)) reader.skip(wireType);
  }
}

function anyValue(bytes: Uint8Array): AttributeValue {
  let value: AttributeValue;
  fields(bytes, (field, wireType, reader, buffer) => {
    if (field === 1 && wireType === LENGTH_DELIMITED) value = reader.readString();
    else if (field === 2 && wireType === 0) value = reader.readVarint() !== 0;
    else if (field === 3 && wireType === 0) value = reader.readVarint();
    else if (field === 4 && wireType === 1) {
      value = Buffer.from(buffer.buffer, buffer.byteOffset + reader.pos, 8).readDoubleLE(0);
      return false; // skipped (8 bytes) by the caller
    } else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array): [string, AttributeValue] {
  let key = '';
  let value: AttributeValue;
  fields(bytes, (field, wireType, reader) => {
    if (field === 1 && wireType === LENGTH_DELIMITED) key = reader.readString();
    else if (field === 2 && wireType === LENGTH_DELIMITED) value = anyValue(reader.readBytes());
    else return false;
    return true;
  });
  return [key, value];
}

function resourceOf(bytes: Uint8Array): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  fields(bytes, (field, wireType, reader) => {
    if (field !== 1 || wireType !== LENGTH_DELIMITED) return false;
    const [key, value] = keyValue(reader.readBytes());
    attributes[key] = value;
    return true;
  });
  return attributes;
}

function spanOf(bytes: Uint8Array, resource: Record<string, AttributeValue>): ReceivedSpan {
  const span: ReceivedSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, attributes: {}, links: [], statusCode: 0, resource };
  fields(bytes, (field, wireType, reader) => {
    if (wireType === 0 && field === 6) span.kind = reader.readVarint();
    else if (wireType !== LENGTH_DELIMITED) return false;
    else if (field === 1) span.traceId = hex(reader.readBytes());
    else if (field === 2) span.spanId = hex(reader.readBytes());
    else if (field === 4) span.parentSpanId = hex(reader.readBytes());
    else if (field === 5) span.name = reader.readString();
    else if (field === 9) {
      const [key, value] = keyValue(reader.readBytes());
      span.attributes[key] = value;
    } else if (field === 13) {
      const link = { traceId: '', spanId: '' };
      fields(reader.readBytes(), (linkField, linkWire, linkReader) => {
        if (linkWire !== LENGTH_DELIMITED || (linkField !== 1 && linkField !== 2)) return false;
        link[linkField === 1 ? 'traceId' : 'spanId'] = hex(linkReader.readBytes());
        return true;
      });
      span.links.push(link);
    } else if (field === 15) {
      fields(reader.readBytes(), (statusField, statusWire, statusReader) => {
        if (statusField !== 3 || statusWire !== 0) return false;
        span.statusCode = statusReader.readVarint();
        return true;
      });
    } else return false;
    return true;
  });
  return span;
}

function fromProtobuf(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(body, (field, wireType, reader) => {
    if (field !== 1 || wireType !== LENGTH_DELIMITED) return false;
    const resourceSpans = reader.readBytes();
    let resource: Record<string, AttributeValue> = {};
    const scopes: Uint8Array[] = [];
    fields(resourceSpans, (rsField, rsWire, rsReader) => {
      if (rsWire !== LENGTH_DELIMITED) return false;
      if (rsField === 1) resource = resourceOf(rsReader.readBytes());
      else if (rsField === 2) scopes.push(rsReader.readBytes());
      else return false;
      return true;
    });
    for (const scope of scopes) {
      fields(scope, (scopeField, scopeWire, scopeReader) => {
        if (scopeField !== 2 || scopeWire !== LENGTH_DELIMITED) return false;
        spans.push(spanOf(scopeReader.readBytes(), resource));
        return true;
      });
    }
    return true;
  });
  return spans;
}
