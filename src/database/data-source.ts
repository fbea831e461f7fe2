// Data source for the TypeORM CLI (`npm run migration:*`), built to dist/src/database/data-source.js.
// The server migrates itself at start; the CLI is for generating and reverting migrations by hand.
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/configuration.js';
import { typeOrmOptions } from './typeorm-options.js';

loadEnvFile();
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('The migration CLI needs DATABASE_URL (the embedded database is migrated by the server at start).');
  process.exit(1);
}

export default new DataSource({
  ...typeOrmOptions(url, 2),
  entities: ['dist/src/**/*.entity.js'],
});
