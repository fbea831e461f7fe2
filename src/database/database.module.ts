import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterCommitHooks } from './after-commit.js';
import { QueryMetrics } from './query-metrics.js';
import { DataSource } from 'typeorm';
import { appConfig } from '../config/app.config.js';
import { databaseConfig } from './database.config.js';
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
      inject: [databaseConfig.KEY, appConfig.KEY, EmbeddedDatabase],
      useFactory: async (config: ConfigType<typeof databaseConfig>, app: ConfigType<typeof appConfig>, embedded: EmbeddedDatabase) => {
        const url = config.url ?? (await embedded.start(config.embeddedDir, config));
        const logQueries = app.logLevel === 'debug' || app.logLevel === 'trace';
        return { ...typeOrmOptions(url, config.poolSize, config, logQueries), autoLoadEntities: true };
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
export class DatabaseModule {}
