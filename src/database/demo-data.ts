import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource, type EntityManager } from 'typeorm';
import { databaseConfig } from './database.config.js';

export type DemoDataSeed = (manager: EntityManager) => Promise<void>;

/**
 * Demo data of the flow modules. Each module registers an idempotent seed; they run at start on the
 * embedded database outside production (so a newcomer has data at once), wherever DEMO_DATA=true, and by
 * `npm run db:seed`. A production server never gets example products or slots unless asked for.
 */
@Injectable()
export class DemoData implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoData.name);
  private readonly seeds = new Map<string, DemoDataSeed>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly config: ConfigType<typeof databaseConfig>,
  ) {}

  register(name: string, seed: DemoDataSeed): void {
    if (this.seeds.has(name)) throw new Error(`Demo data "${name}" is registered twice`);
    this.seeds.set(name, seed);
  }

  get enabled(): boolean {
    return this.config.demoData === 'true' || (this.config.demoData === 'auto' && !this.config.url && !this.config.production);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.enabled) await this.seedAll();
  }

  /** Runs every seed, each in its own transaction. */
  async seedAll(): Promise<string[]> {
    const names = [...this.seeds.keys()];
    for (const seed of this.seeds.values()) {
      await this.dataSource.transaction((manager) => seed(manager));
    }
    if (names.length) this.logger.log(`Demo data applied: ${names.join(', ')}`);
    return names;
  }

  /**
   * Empties the application's tables (those of its entities: the core's and every module's; the schema,
   * the migrations and the queue's own tables stay), then runs every seed: the data as a fresh start
   * leaves it, stock and slots included (`npm run db:seed -- --reset`; never in production).
   */
  async reset(): Promise<{ emptied: string[]; seeded: string[] }> {
    const tables = [
      ...new Set(this.dataSource.entityMetadatas.filter((entity) => entity.tableType === 'regular').map((entity) => entity.tablePath)),
    ].sort();
    const quoted = (path: string) =>
      path
        .split('.')
        .map((part) => `"${part.replace(/"/g, '""')}"`)
        .join('.');
    if (tables.length) await this.dataSource.query(`TRUNCATE ${tables.map(quoted).join(', ')} RESTART IDENTITY CASCADE`);
    return { emptied: tables, seeded: await this.seedAll() };
  }
}
