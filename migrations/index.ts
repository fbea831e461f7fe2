import type { MigrationInterface } from 'typeorm';

/**
 * Every migration, oldest first. `npm run migration:generate` writes a new file in this folder;
 * add its class here (a test fails when a migration file is missing from this list).
 */
export const migrations: Array<new () => MigrationInterface> = [];
