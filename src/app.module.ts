import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppCacheModule } from './cache/app-cache.module.js';
import { appConfig } from './config/app.config.js';
import { configNamespacesOf } from './config/configuration.js';
import { httpConfig } from './http/http.config.js';
import { DatabaseModule } from './database/database.module.js';
import { FlowsCoreModule } from './flows-core/server.js';
import { FlowMediaModule } from './flow-media/index.js';
import { flowModules } from './flows/index.js';
import { AdminModule } from './admin/admin.module.js';
import { QueueModule } from './queue/queue.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { MetaFlowsModule } from './meta-flows/meta-flows.module.js';
import { ProbeModule } from './probe/probe.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { TracingModule } from './tracing/index.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';

export interface AppModuleOptions {
  /** Extra modules to load (tests add their own flow modules this way). */
  modules?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    const modules: Array<Type | DynamicModule> = [
      ConfigModule.forFeature(appConfig),
      ConfigModule.forFeature(httpConfig),
      // In this order, a boot with several bad variables names the same one first as before.
      LoggingModule,
      DatabaseModule,
      AppCacheModule,
      HealthModule,
      FlowsCoreModule,
      FlowMediaModule,
      QueueModule,
      WebhooksModule,
      AdminModule,
      OutboundModule,
      MetricsModule,
      TracingModule,
      MetaFlowsModule,
      ProbeModule,
      ...flowModules,
      ...(options.modules ?? []),
    ];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          // Each module registers its own namespace (ConfigModule.forFeature); they are also made
          // global here, found in the module tree (no list to keep), because a module may read
          // another's (outbound and meta-flows read the Graph API's). createApp() has already read .env.
          load: configNamespacesOf({ module: AppModule, imports: modules }),
          ignoreEnvFile: true,
        }),
        ...modules,
      ],
    };
  }
}
