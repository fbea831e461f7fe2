// Data source for the TypeORM CLI (`npm run migration:*`), built to dist/src/data-source.js.
// The server migrates itself at start; the CLI is for generating and reverting migrations by hand.
// Its migrations are the app's: the core's list and those its modules declare (DatabaseModule.forFeature).
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { loadEnvFile } from './config/env-file.js';
import { migrationsOf } from './database/database-feature.js';
import { typeOrmOptions } from './database/typeorm-options.js';

loadEnvFile();
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('The migration CLI needs DATABASE_URL (the embedded database is migrated by the server at start).');
  process.exit(1);
}

export default new DataSource({
  ...typeOrmOptions(url, 2, undefined, false, migrationsOf(AppModule.forRoot())),
  entities: ['dist/src/**/*.entity.js'],
});
