import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends exact request bytes over a socket and reads the answer: for what `fetch` refuses to send
 * (header names in any case, non-ASCII header bytes, repeated headers).
 */
export function rawRequest(baseUrl: string, head: string | Buffer, body: Buffer = Buffer.alloc(0)): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      const [headText, ...rest] = answer.split('\r\n\r\n');
      const [statusLine, ...headerLines] = headText.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: rest.join('\r\n\r\n') });
    });
    socket.write(Buffer.concat([Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1'), body]));
  });
}

/** An HTTP/1.1 request head (closing the connection) with the given header lines, byte for byte. */
export function requestHead(method: string, path: string, headerLines: Array<string | Buffer>, bodyLength: number): Buffer {
  const lines: Buffer[] = [
    Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${bodyLength}\r\n`, 'latin1'),
  ];
  for (const line of headerLines) lines.push(Buffer.isBuffer(line) ? line : Buffer.from(line, 'latin1'), Buffer.from('\r\n'));
  lines.push(Buffer.from('\r\n'));
  return Buffer.concat(lines);
}

export interface HeldConnection {
  /** Resolves with the milliseconds from opening to the server closing the connection. */
  closed: Promise<number>;
  /** Everything the server sent (status line first), once closed. */
  received: () => string;
  /** Writes more bytes (a trickling client). */
  write(bytes: string | Buffer): void;
  destroy(): void;
}

/**
 * Opens a connection, writes `bytes` and then holds it open without sending more: a stalled or
 * slow client, for timeout tests. Write errors (the server closed first) are ignored.
 */
export function holdConnection(baseUrl: string, bytes: string | Buffer): HeldConnection {
  const { hostname, port } = new URL(baseUrl);
  const opened = Date.now();
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  socket.write(bytes);
  return {
    closed,
    received: () => Buffer.concat(chunks).toString('latin1'),
    write: (more) => {
      if (!socket.destroyed) socket.write(more);
    },
    destroy: () => socket.destroy(),
  };
}
