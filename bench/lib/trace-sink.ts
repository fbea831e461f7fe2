import { createServer } from 'node:http';

/** A local OTLP/HTTP receiver that accepts and counts what Flowgate exports (as a collector would, minus the work). */
export interface TraceSink {
  url: string;
  requests: number;
  bytes: number;
  stop(): Promise<void>;
}

export async function startTraceSink(): Promise<TraceSink> {
  const sink = { url: '', requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (sink.bytes += chunk.length));
    request.on('end', () => {
      sink.requests++;
      response.writeHead(request.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return Object.assign(sink, { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}
