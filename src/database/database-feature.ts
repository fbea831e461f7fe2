import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { EntitySchema, MigrationInterface } from 'typeorm';
import { migrations as coreMigrations } from '../../migrations/index.js';
import { visitModules } from '../common/module-tree.js';

export type MigrationClass = new () => MigrationInterface;

/** A module's tables: its entities and the migrations that create and change them (in its folder). */
export interface DatabaseFeature {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for an entity class
  entities: Array<Function | EntitySchema>;
  migrations: MigrationClass[];
}

const DATABASE_FEATURE = Symbol('DATABASE_FEATURE');

/** Carries one module's DatabaseFeature; found by the app (its modules) and by the migration CLI (the module tree). */
@Module({})
export class DatabaseFeatureModule {
  static of(feature: DatabaseFeature): DynamicModule {
    const repositories = TypeOrmModule.forFeature(feature.entities);
    return {
      module: DatabaseFeatureModule,
      imports: [repositories],
      providers: [{ provide: DATABASE_FEATURE, useValue: feature }],
      exports: [repositories],
    };
  }
}

/** TypeORM sorts migrations by the 13-digit timestamp that ends their class name; so does this list. */
const timestampOf = (migration: MigrationClass) => Number(/(\d{13})$/.exec(migration.name)?.[1] ?? 0);

/** The core's migrations (migrations/index.ts) and the features', once each, oldest first. */
export function allMigrations(features: Iterable<DatabaseFeature>): MigrationClass[] {
  const all = new Set<MigrationClass>(coreMigrations);
  for (const feature of features) feature.migrations.forEach((migration) => all.add(migration));
  return [...all].sort((a, b) => timestampOf(a) - timestampOf(b));
}

/** The migrations of a module tree, read from its metadata (the migration CLI: nothing is started). */
export function migrationsOf(root: Type | DynamicModule): MigrationClass[] {
  const features: DatabaseFeature[] = [];
  visitModules(root, (type, dynamic) => {
    if (type !== DatabaseFeatureModule || !dynamic) return;
    for (const provider of dynamic.providers ?? []) {
      if (typeof provider === 'object' && 'useValue' in provider && provider.provide === DATABASE_FEATURE)
        features.push(provider.useValue as DatabaseFeature);
    }
  });
  return allMigrations(features);
}

/** The migrations of the modules an application holds (the server, tests' testing modules). */
export function migrationsIn(modules: ModulesContainer): MigrationClass[] {
  const features: DatabaseFeature[] = [];
  for (const module of modules.values()) {
    const feature = module.providers.get(DATABASE_FEATURE)?.instance as DatabaseFeature | undefined;
    if (feature) features.push(feature);
  }
  return allMigrations(features);
}
