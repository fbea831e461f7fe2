import { ConfigService } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { AdminDocs } from './admin/admin-docs.js';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { requireAdminToken } from './admin/admin-token.hook.js';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { appConfig } from './config/app.config.js';
import { assertValidConfiguration, loadEnvFile } from './config/configuration.js';
import { GracefulFastifyAdapter } from './http/graceful-fastify-adapter.js';
import { requireJsonBodies } from './http/json-bodies.js';
import { addSecurityHeaders } from './http/security-headers.js';
import { AppLogger } from './logging/app-logger.js';
import { requestIdFor } from './logging/request-context.js';

/** Body limit for routes that do not set their own. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the Flowgate application exactly as it runs in production; `main.ts` and the tests
 * both start here.
 */
export async function createApp(options: AppModuleOptions = {}): Promise<NestFastifyApplication> {
  loadEnvFile();
  // Fail fast, before Nest logs anything, on a bad or missing variable.
  assertValidConfiguration();
  const adapter = new GracefulFastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT,
    // TRUST_PROXY: believe X-Forwarded-* only from the proxies it names (none by default).
    trustProxy: appConfig().trustProxy,
    genReqId: requestIdFor,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    rawBody: true,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(AppLogger));
  applyRouteBodyLimits(app);
  // Not SIGHUP: that one reloads the key ring. After a clean shutdown the process exits with 0
  // (Nest would otherwise re-raise the signal, which orchestrators and shells report as a failure).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });

  app.get(AdminDocs).build(app);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    // Callers get the request id back, to correlate with the logs.
    reply.header('x-request-id', request.id);
    done();
  });
  addSecurityHeaders(fastify);
  // In this order: an admin request without its token learns nothing about its body.
  requireAdminToken(fastify, app.get(AdminTokenGuard));
  requireJsonBodies(fastify);
  return app;
}

/**
 * Routes declare `@RouteConfig({ bodyLimitConfig: 'namespace.key' })`; the limit is read from
 * configuration when the route is registered (routes are registered later, in `init()`).
 */
function applyRouteBodyLimits(app: NestFastifyApplication): void {
  const config = app.get(ConfigService);
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    const key = (route.config as { bodyLimitConfig?: string } | undefined)?.bodyLimitConfig;
    if (key) route.bodyLimit = config.getOrThrow<number>(key);
  });
}
