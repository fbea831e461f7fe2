// The database for the modules above it (flows, media): the module and a module's tables
// (DatabaseModule.forFeature), demo data, after-commit effects and jsonb helpers.
export { DatabaseModule } from './database.module.js';
export type { DatabaseFeature, MigrationClass } from './database-feature.js';
export { DemoData, type DemoDataSeed } from './demo-data.js';
export { afterCommit } from './after-commit.js';
export { asStoredJson, toJsonb } from './jsonb.js';
export { inSlices } from './in-slices.js';
export { databaseConfig, describeDatabase, type DatabaseConfig } from './database.config.js';
