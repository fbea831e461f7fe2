import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { ScramVerifier, type AuthStep } from './pglite-auth.js';

const SSL_REQUEST = 80877103;
const PROTOCOL_3 = 196608;

/** Hands PGlite to one connection at a time, in arrival order; a wait can be given up. */
class Turnstile {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  /** Resolves with the release function once it is this caller's turn; rejects after `timeoutMs`. */
  acquire(timeoutMs: number): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next();
        else this.held = false;
      };
      const grant = () => {
        clearTimeout(timer);
        resolve(release);
      };
      if (!this.held) {
        this.held = true;
        resolve(release);
        return;
      }
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new Error(`waited ${timeoutMs} ms for the database`));
      }, timeoutMs);
      this.waiting.push(grant);
    });
  }
}

/** How long a connection may hold the database idle, and wait for it, before it is dropped. */
export interface PGliteServerLimits {
  /** A connection that holds the database (inside a transaction or mid-statement) and sends nothing for this long is dropped, its transaction rolled back. */
  idleInTransactionTimeoutMs: number;
  /** A connection that waits this long for its turn is dropped (its client sees the connection end). */
  statementTimeoutMs: number;
}

const DEFAULT_LIMITS: PGliteServerLimits = { idleInTransactionTimeoutMs: 10_000, statementTimeoutMs: 10_000 };

/**
 * Serves a PGlite database over the Postgres wire protocol on a TCP port, so the ordinary `pg`
 * driver (TypeORM, queues) talks to it as to a real server.
 *
 * PGlite runs one session; several client connections share it. A connection owns the database
 * from its first message until a Sync or simple Query completes outside a transaction, so the
 * statements (Parse/Bind/Execute) and transactions of different connections never interleave.
 * PGlite has no statement or idle timeouts of its own: the server bounds both (`limits`), so one
 * stalled client cannot hold every other connection.
 *
 * The port is on loopback, where any local process can reach it: a connection must first log in
 * with SCRAM-SHA-256 and the server's password (random unless given), as with a real PostgreSQL.
 */
export class PGliteServer {
  private server?: Server;
  private readonly turnstile = new Turnstile();
  private readonly sockets = new Set<Socket>();
  /** LISTEN channels of each connection; PGlite emits notifications on whichever connection ran the NOTIFY. */
  private readonly listeners = new Map<Socket, Set<string>>();

  /** The password a client must log in with; `url` carries it. */
  readonly password: string;
  private readonly verifier: ScramVerifier;
  private address?: { host: string; port: number };
  private readonly limits: PGliteServerLimits;

  constructor(
    private readonly db: PGlite,
    options: { password?: string; limits?: PGliteServerLimits } = {},
  ) {
    this.password = options.password ?? randomBytes(24).toString('hex');
    this.verifier = new ScramVerifier(this.password);
    this.limits = options.limits ?? DEFAULT_LIMITS;
  }

  /** Connection URL of the running server, password included. */
  get url(): string {
    if (!this.address) throw new Error('PGliteServer is not listening');
    const { host, port } = this.address;
    return `postgres://postgres:${encodeURIComponent(this.password)}@${host}:${port}/postgres`;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.address = { host, port: (server.address() as { port: number }).port };
    return this.address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Remembers LISTEN / UNLISTEN sent in a simple query or a Parse message. */
  private trackListen(socket: Socket, message: Buffer): void {
    const type = String.fromCharCode(message[0]);
    if (type !== 'Q' && type !== 'P') return;
    const text = message.subarray(5).toString('utf8');
    for (const [, command, channel] of text.matchAll(/\b(LISTEN|UNLISTEN)\s+"?([A-Za-z0-9_.$-]+|\*)"?/gi)) {
      const channels = this.listeners.get(socket) ?? new Set<string>();
      if (command.toUpperCase() === 'LISTEN') channels.add(channel);
      else if (channel === '*') channels.clear();
      else channels.delete(channel);
      this.listeners.set(socket, channels);
    }
  }

  /**
   * Takes NotificationResponse messages out of a chunk of output and sends each to the connections
   * listening on its channel; returns the rest, for the connection that ran the statement.
   */
  private routeNotifications(chunk: Buffer): Buffer {
    if (!chunk.includes(0x41)) return chunk; // 'A'
    const kept: Buffer[] = [];
    let offset = 0;
    while (offset + 5 <= chunk.length) {
      const length = chunk.readInt32BE(offset + 1) + 1;
      if (offset + length > chunk.length) break;
      const message = chunk.subarray(offset, offset + length);
      if (message[0] === 0x41) {
        const end = message.indexOf(0, 9);
        const channel = message.subarray(9, end).toString('utf8');
        for (const [listener, channels] of this.listeners) {
          if (channels.has(channel) && !listener.destroyed) listener.write(message);
        }
      } else {
        kept.push(message);
      }
      offset += length;
    }
    if (offset < chunk.length) kept.push(chunk.subarray(offset));
    return Buffer.concat(kept);
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    // Set from the startup message until the login succeeds; PGlite sees the startup only then.
    let login: { startup: Buffer; next(message: Buffer): AuthStep } | undefined;
    let release: (() => void) | undefined;
    let chain = Promise.resolve();
    /** Messages received and not yet run. */
    let pending = 0;
    let idleTimer: NodeJS.Timeout | undefined;

    // Holding the database with nothing to run: past the limit the connection is dropped (finish rolls back).
    const watchIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      if (release && pending === 0 && !socket.destroyed) {
        idleTimer = setTimeout(() => socket.destroy(), this.limits.idleInTransactionTimeoutMs);
        idleTimer.unref();
      }
    };

    const run = async (message: Buffer, endsTurn: boolean) => {
      try {
        if (socket.destroyed) return;
        this.trackListen(socket, message);
        release ??= await this.turnstile.acquire(this.limits.statementTimeoutMs);
        if (socket.destroyed) return; // finish() releases
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(new Uint8Array(message), {
            onRawData: (chunk) => {
              const own = this.routeNotifications(Buffer.from(chunk));
              if (own.length && !socket.destroyed) socket.write(own);
            },
          }),
        );
        if (endsTurn && !this.db.isInTransaction()) {
          release();
          release = undefined;
        }
      } finally {
        pending--;
        watchIdle();
      }
    };

    const finish = async () => {
      clearTimeout(idleTimer);
      this.sockets.delete(socket);
      this.listeners.delete(socket);
      await chain.catch(() => undefined);
      if (release) {
        // A client that vanished (or was dropped) mid-transaction must not leave it open for the next one.
        if (!this.db.closed && this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
        release();
        release = undefined;
      }
    };

    const enqueue = (message: Buffer, endsTurn: boolean) => {
      pending++;
      clearTimeout(idleTimer);
      chain = chain.then(() => run(message, endsTurn)).catch(() => void socket.destroy());
    };

    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (buffer.length < length) return;
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code !== PROTOCOL_3) {
            // Cancel requests and unknown protocols: nothing PGlite can act on.
            socket.destroy();
            return;
          }
          started = true;
          const { challenge, next } = this.verifier.begin();
          login = { startup: message, next };
          socket.write(challenge);
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1) + 1;
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (type === 'X') {
          socket.end();
          return;
        }
        if (login) {
          const step = login.next(message);
          if ('refused' in step) {
            login = { startup: login.startup, next: () => step };
            if (!socket.writableEnded) socket.end(step.refused, () => socket.destroy());
            return;
          }
          socket.write(step.reply);
          if (step.done) {
            const { startup } = login;
            login = undefined;
            // PGlite answers the startup itself (authentication ok, parameters, ready).
            enqueue(startup, true);
          }
          continue;
        }
        enqueue(message, type === 'S' || type === 'Q');
      }
    });
    socket.on('close', () => void finish());
    socket.on('error', () => socket.destroy());
  }
}
