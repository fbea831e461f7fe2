import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppCacheModule } from './cache/app-cache.module.js';
import { configNamespaces } from './config/configuration.js';
import { DatabaseModule } from './database/database.module.js';
import { FlowsCoreModule } from './flows-core/flows-core.module.js';
import { flowModules } from './flows/index.js';
import { AdminModule } from './admin/admin.module.js';
import { QueueModule } from './queue/queue.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { MetaFlowsModule } from './meta-flows/meta-flows.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';

export interface AppModuleOptions {
  /** Extra modules to load (tests add their own flow modules this way). */
  modules?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          load: configNamespaces,
          // createApp() has already read .env into the environment.
          ignoreEnvFile: true,
        }),
        LoggingModule,
        MetricsModule,
        DatabaseModule,
        AppCacheModule,
        HealthModule,
        AdminModule,
        QueueModule,
        FlowsCoreModule,
        WebhooksModule,
        OutboundModule,
        MetaFlowsModule,
        ...flowModules,
        ...(options.modules ?? []),
      ],
    };
  }
}
