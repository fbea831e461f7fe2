import { randomBytes } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory.js';
import { FlowRegistry } from '../../src/flows-core/server.js';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair, type TestKeyPair } from '../kit/test-keys.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

let defaultKeys: TestKeyPair | undefined;
/** One key pair per test file is plenty for tests that are not about keys. */
export function defaultTestKeys(): TestKeyPair {
  return (defaultKeys ??= generateTestKeyPair());
}

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the real HTTP server, e.g. http://127.0.0.1:40123 */
  url: string;
  /** A WhatsApp client for this server's current key and app secret. */
  client: FlowTestClient;
  appSecret: string;
  keys: TestKeyPair;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Configuration of this app, on top of the environment; `undefined` removes a variable. process.env is left alone. */
  env?: Record<string, string | undefined>;
  modules?: Array<Type | DynamicModule>;
  /** Reuse a database (e.g. to restart an app on the same data); default: a fresh one. */
  database?: TestDatabase;
  /** The current private key; default: one pair per test file. */
  keys?: TestKeyPair;
  appSecret?: string;
}

/** A running app's Flow JSON of each flow, as WhatsApp's client has it. */
export function flowJsonIn(app: Pick<NestFastifyApplication, 'get'>) {
  const registry = app.get(FlowRegistry, { strict: false });
  return (flow: string) => registry.get(flow)?.contract.flowJson;
}

/** Boots the real application on a real HTTP port (127.0.0.1, random port). */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const keys = options.keys ?? defaultTestKeys();
  const appSecret = options.appSecret ?? generateAppSecret();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    FLOW_PRIVATE_KEY: keys.privatePem,
    FLOW_PRIVATE_KEY_PASSPHRASE: keys.passphrase,
    WHATSAPP_APP_SECRET: appSecret,
    // Test files share one Redis: each app keeps its cache entries to itself.
    CACHE_NAMESPACE: `test-${randomBytes(6).toString('hex')}`,
    // ...and its queue: a worker of another app (another test file, another run) sharing the same
    // Redis would otherwise take this app's jobs and find their events missing from its database.
    QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}`,
    // Tests of the admin API's refusals send many wrong tokens from one address; the limit on failed
    // attempts has its own test (test/admin), which sets it.
    ADMIN_TOKEN_MAX_FAILURES: '10000',
    ...database.env,
    ...options.env,
  };
  const app = await createApp({ env, modules: options.modules }).catch(async (error) => {
    if (!options.database) await database.drop();
    throw error;
  });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // A boot that fails after the database started must not leave it running.
    await app.close().catch(() => undefined);
    if (!options.database) await database.drop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    // The phone knows each flow's Flow JSON: 4.0 flows get Data API 4.0 requests with a signed token.
    client: new FlowTestClient({ baseUrl: url, publicKey: keys.publicPem, appSecret, flowJsonOf: flowJsonIn(app) }),
    appSecret,
    keys,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
