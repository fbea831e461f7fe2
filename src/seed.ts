// `npm run db:seed`: applies the flow modules' demo data to the configured database, then exits.
// `npm run db:seed -- --reset` empties the application's tables first (the demo's stock and slots
// back to their first state); refused in production.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { appConfig } from './config/app.config.js';
import { assertValidConfiguration } from './config/configuration.js';
import { loadEnvFile } from './config/env-file.js';
import { withConfiguration } from './config/config-context.js';
import { ConfigValidationError } from './config/config-validation-error.js';
import { exitWith } from './common/exit.js';
import { DemoData } from './database/demo-data.js';
import { describeDatabase, type DatabaseConfig } from './database/database.config.js';
import { ConfigService } from '@nestjs/config';

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--reset');
if (unknown.length) {
  process.stderr.write(`✖ unknown option ${unknown[0]}: npm run db:seed [-- --reset]\n`);
  process.exit(2);
}
const reset = args.includes('--reset');

try {
  loadEnvFile();
  const root = AppModule.forRoot();
  const app = await withConfiguration({}, async () => {
    if (reset && appConfig().nodeEnv === 'production') {
      throw new ConfigValidationError("db:seed --reset empties the application's tables: refused with NODE_ENV=production");
    }
    assertValidConfiguration(root);
    return NestFactory.createApplicationContext(root, {
      // The server's start-up lines and warnings (keys, admin token) are not what someone seeding
      // reads: errors only, then one line saying what was seeded where.
      logger: ['error'],
      // An error while the modules start (the embedded database in use by another process) is one
      // line printed below; anything else is printed with what Nest logged.
      bufferLogs: true,
      abortOnError: false,
      autoFlushLogs: false,
    }).catch((error: unknown) => {
      if (!(error instanceof ConfigValidationError)) Logger.flush();
      throw error;
    });
  });
  app.flushLogs();
  const demoData = app.get(DemoData);
  const where = describeDatabase(app.get(ConfigService).getOrThrow<DatabaseConfig>('database'));
  if (reset) {
    const { emptied, seeded } = await demoData.reset();
    process.stdout.write(`✔ Emptied ${emptied.length} tables; demo data applied: ${seeded.join(', ') || 'none registered'} (database: ${where})\n`);
  } else {
    const seeded = await demoData.seedAll();
    process.stdout.write(`✔ Demo data applied: ${seeded.join(', ') || 'none registered'} (database: ${where})\n`);
  }
  await app.close();
} catch (error) {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`flowgate: ${error.message}\n`);
    exitWith(1);
  } else throw error;
}
