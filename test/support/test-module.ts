import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminModule } from '../../src/admin/admin.module.js';
import { AppCacheModule } from '../../src/cache/app-cache.module.js';
import { withConfiguration } from '../../src/config/config-context.js';
import { DatabaseModule } from '../../src/database/index.js';
import { FlowsCoreModule } from '../../src/flows-core/server.js';
import { HealthModule } from '../../src/health/health.module.js';
import { MetricsModule } from '../../src/metrics/metrics.module.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { defaultTestKeys } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestModule {
  /** Initialised: flows are registered, demo data applied when asked. Pass it to dispatchFlow(). */
  moduleRef: TestingModule;
  close(): Promise<void>;
}

/**
 * The flows core, what it stands on (database, cache, metrics, health, admin) and `flows`, in a Nest
 * testing module: no HTTP server, no queue, no webhooks. For a flow's handler tests with dispatchFlow().
 * `env` configures this module only (process.env is left alone); a fresh database unless one is given.
 */
export async function startTestModule(
  flows: Array<Type | DynamicModule>,
  options: { env?: Record<string, string | undefined>; database?: TestDatabase } = {},
): Promise<TestModule> {
  const database = options.database ?? (await createTestDatabase());
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    FLOW_PRIVATE_KEY: defaultTestKeys().privatePem,
    FLOW_PRIVATE_KEY_PASSPHRASE: defaultTestKeys().passphrase,
    WHATSAPP_APP_SECRET: generateAppSecret(),
    CACHE_NAMESPACE: `test-${Math.random().toString(16).slice(2)}`,
    ...database.env,
    ...options.env,
  };
  try {
    const moduleRef = await withConfiguration(env, () =>
      Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
          DatabaseModule,
          AppCacheModule,
          MetricsModule,
          HealthModule,
          AdminModule,
          FlowsCoreModule,
          ...flows,
        ],
      })
        .setLogger({ log() {}, error() {}, warn() {} })
        .compile(),
    );
    await withConfiguration(env, () => moduleRef.init());
    return {
      moduleRef,
      close: async () => {
        await moduleRef.close();
        if (!options.database) await database.drop();
      },
    };
  } catch (error) {
    if (!options.database) await database.drop();
    throw error;
  }
}
