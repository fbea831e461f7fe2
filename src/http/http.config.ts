import { registerAs } from '@nestjs/config';
import { EnvInt } from '../config/env-int.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { validateEnv } from '../config/validate-env.js';

const ms = (min: number, max: number) => ({ min, max, message: `must be a whole number of milliseconds between ${min} and ${max}` });

class HttpEnv {
  @EnvInt(ms(100, 120_000)) HTTP_HEADERS_TIMEOUT_MS?: number;
  @EnvInt(ms(100, 300_000)) HTTP_REQUEST_TIMEOUT_MS?: number;
  @EnvInt(ms(100, 600_000)) HTTP_IDLE_TIMEOUT_MS?: number;
  @EnvInt(ms(1_000, 600_000)) HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;
  @EnvInt(ms(0, 120_000)) HTTP_DRAIN_DELAY_MS?: number;

  @EnvInt({ min: 1024 * 1024, max: 4 * 1024 ** 3, message: 'must be a whole number of bytes between 1048576 and 4294967296' })
  HTTP_BODIES_IN_FLIGHT_BYTES?: number;
}

/**
 * How long a client may take, and how much body the process holds at once. A client that sends its
 * headers or body slowly, or stops, is disconnected instead of holding a connection and its
 * memory for ever.
 */
export const httpConfig = registerAs('http', () => {
  const env = validateEnv(HttpEnv);
  const config = {
    /** The request line and headers must arrive within this. */
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS ?? 10_000,
    /** The whole request, body included, must arrive within this (WhatsApp gives up after 10 s anyway). */
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS ?? 15_000,
    /** A connection on which nothing moves for this long is closed (longer than any answer takes). */
    idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_MS ?? 30_000,
    /**
     * An idle kept-alive connection is closed after this: above the 60 s idle timeout of common
     * proxies and load balancers (WhatsApp's included), so the proxy always closes first and never
     * reuses a connection the server is closing; bounded so idle sockets do not pile up.
     */
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 72_000,
    /** Request body bytes being received or held at once, over every connection (503 beyond). */
    bodiesInFlightBytes: env.HTTP_BODIES_IN_FLIGHT_BYTES ?? 64 * 1024 * 1024,
    /**
     * On SIGTERM, how long readiness fails while every request is still served, before the server
     * stops accepting connections: the time a load balancer (a Kubernetes Service) takes to stop
     * sending new requests here. 0 (default): stop accepting at once.
     */
    drainDelayMs: env.HTTP_DRAIN_DELAY_MS ?? 0,
  };
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigValidationError('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not be above HTTP_REQUEST_TIMEOUT_MS');
  }
  return config;
});

export type HttpConfig = ReturnType<typeof httpConfig>;
