import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterCommitHooks } from './after-commit.js';
import { QueryMetrics } from './query-metrics.js';
import { DataSource } from 'typeorm';
import { appConfig } from '../config/app.config.js';
import { databaseConfig } from './database.config.js';
import { DatabaseFeatureModule, migrationsIn, type DatabaseFeature } from './database-feature.js';
import { DemoData } from './demo-data.js';
import { EmbeddedDatabase } from './embedded-database.js';
import { runMigrations } from './migrate.js';
import { typeOrmOptions } from './typeorm-options.js';

/** Owns the embedded database so it outlives the data source that uses it. */
@Module({ providers: [EmbeddedDatabase], exports: [EmbeddedDatabase] })
class EmbeddedDatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly embedded: EmbeddedDatabase,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded.running) return;
    // Close the pool before the server under it, whatever order Nest runs the hooks in.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule, ConfigModule.forFeature(databaseConfig), ConfigModule.forFeature(appConfig)],
      inject: [databaseConfig.KEY, appConfig.KEY, EmbeddedDatabase, ModulesContainer],
      useFactory: async (
        config: ConfigType<typeof databaseConfig>,
        app: ConfigType<typeof appConfig>,
        embedded: EmbeddedDatabase,
        modules: ModulesContainer,
      ) => {
        const url = config.url ?? (await embedded.start(config.embeddedDir, config));
        const logQueries = app.logLevel === 'debug' || app.logLevel === 'trace';
        // Entities come from the modules' TypeOrmModule.forFeature, migrations from their DatabaseModule.forFeature.
        return { ...typeOrmOptions(url, config.poolSize, config, logQueries, migrationsIn(modules)), autoLoadEntities: true };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
    EmbeddedDatabaseModule,
    ConfigModule.forFeature(databaseConfig),
  ],
  providers: [DemoData, QueryMetrics, AfterCommitHooks],
  exports: [DemoData],
})
export class DatabaseModule {
  /**
   * A module's tables: its entities (their repositories, as TypeOrmModule.forFeature) and the
   * migrations in its folder, applied at start with the core's. A flow module imports
   * `DatabaseModule.forFeature({ entities: [...], migrations: [...] })`; nothing else lists them.
   */
  static forFeature(feature: DatabaseFeature): DynamicModule {
    return DatabaseFeatureModule.of(feature);
  }
}
