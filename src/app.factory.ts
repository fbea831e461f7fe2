import { Logger as NestLogger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { AdminDocs } from './admin/admin-docs.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { requireAdminToken } from './admin/admin-token.hook.js';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { withConfiguration, type EnvOverrides } from './config/config-context.js';
import { appConfig } from './config/app.config.js';
import { assertValidConfiguration } from './config/configuration.js';
import { loadEnvFile } from './config/env-file.js';
import { ConfigValidationError } from './config/config-validation-error.js';
import { BodyBudget } from './http/body-budget.js';
import { GracefulFastifyAdapter } from './http/graceful-fastify-adapter.js';
import { httpConfig } from './http/http.config.js';
import { requireJsonBodies } from './http/json-bodies.js';
import { addSecurityHeaders } from './http/security-headers.js';
import { AppLogger } from './logging/app-logger.js';
import { requestIdFor } from './logging/request-context.js';
import { Metrics } from './metrics/metrics.service.js';
import { traceHttpRequests } from './tracing/index.js';

/** Body limit for routes that do not set their own. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface CreateAppOptions extends AppModuleOptions {
  /**
   * Configuration of this application: variables set (or removed, `undefined`) on top of the
   * environment. Read by every namespace; never written to `process.env`.
   */
  env?: EnvOverrides;
}

/**
 * Builds the Flowgate application exactly as it runs in production; `main.ts` and the tests
 * both start here.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  loadEnvFile();
  return withConfiguration(options.env, () => build(options));
}

async function build(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const root = AppModule.forRoot(options);
  // Fail fast, before Nest logs anything, on a bad or missing variable.
  assertValidConfiguration(root);
  const timeouts = httpConfig();
  const adapter = new GracefulFastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT,
    // TRUST_PROXY: believe X-Forwarded-* only from the proxies it names (none by default).
    trustProxy: appConfig().trustProxy,
    genReqId: requestIdFor,
    // Slow or stalled clients are disconnected (Fastify's defaults wait for ever).
    connectionTimeout: timeouts.idleTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    // Node checks the header and request deadlines every 30 s by default, which would let a
    // stalled client stay up to 30 s past them; once a second costs nothing.
    http: { headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs, connectionsCheckingInterval: 1_000 },
  });
  adapter.drainDelayMs = timeouts.drainDelayMs;
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    // JSON bodies are read by requireJsonBodies (signed ones are parsed only by their guard).
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    // A configuration error found while Nest builds the app (a key that does not parse) is one
    // line printed by the caller; anything else is printed with what Nest logged.
    autoFlushLogs: false,
  }).catch((error: unknown) => {
    if (!(error instanceof ConfigValidationError)) NestLogger.flush();
    throw error;
  });
  app.useLogger(app.get(AppLogger));
  app.flushLogs();
  applyRouteBodyLimits(app);
  // Not SIGHUP: that one reloads the key ring. After a clean shutdown the process exits with 0
  // (Nest would otherwise re-raise the signal, which orchestrators and shells report as a failure).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });

  app.get(AdminDocs).build(app);

  const fastify = app.getHttpAdapter().getInstance();
  // First: a request's server span covers every other hook (nothing is added when tracing is off).
  traceHttpRequests(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Callers get the request id back, to correlate with the logs.
    reply.header('x-request-id', request.id);
    done();
  });
  addSecurityHeaders(fastify);
  // In this order: an admin request without its token learns nothing about its body.
  requireAdminToken(fastify, app.get(AdminTokenGuard));
  const metrics = app.get(Metrics);
  requireJsonBodies(fastify, new BodyBudget(timeouts.bodiesInFlightBytes, (bytes) => metrics.bodyBytesInFlight.set(bytes)));
  return app;
}

/**
 * Routes declare `@RouteConfig({ bodyLimitConfig: 'namespace.key' })`; the limit is read from
 * configuration when the route is registered (routes are registered later, in `init()`).
 */
function applyRouteBodyLimits(app: NestFastifyApplication): void {
  const config = app.get(ConfigService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const key = (route.config as { bodyLimitConfig?: string } | undefined)?.bodyLimitConfig;
      if (key) route.bodyLimit = config.getOrThrow<number>(key);
    });
}
