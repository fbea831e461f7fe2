import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cyclingPool, warmUp, WARM_UP_PARTS, type BenchRequest } from '../../bench/lib/load.js';

/** A real HTTP server that counts the connections it was given and the requests on each. */
let server: Server;
let url: string;
const connections: number[] = [];
const events: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  server.on('connection', (socket) => {
    const index = connections.push(0) - 1;
    events.push(`connection ${index}`);
    socket.on('data', () => connections[index]++);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
});

const ping: BenchRequest = {
  path: '/',
  headers: { 'content-type': 'text/plain' },
  body: Buffer.from('ping'),
  check: (status, body) => (status === 200 && body === 'ok' ? undefined : `got ${status} ${body}`),
};

describe('the warm-up', () => {
  it('loads the server in parts, each on connections of its own, with the reads between parts', async () => {
    await warmUp(url, cyclingPool([ping]), 2, 0.4, async () => {
      events.push('between');
    });

    // Each part opened its own connections (two, at concurrency 2) and closed them before the read.
    expect(events.filter((event) => event === 'between')).toHaveLength(WARM_UP_PARTS);
    expect(connections).toHaveLength(WARM_UP_PARTS * 2);
    expect(connections.every((requests) => requests > 0)).toBe(true);
    const parts = events.join(' ').split('between').slice(0, WARM_UP_PARTS);
    for (const part of parts) expect(part.match(/connection/g)).toHaveLength(2);
  });
});
