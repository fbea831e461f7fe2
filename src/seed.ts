// `npm run db:seed`: applies the flow modules' demo data to the configured database, then exits.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { assertValidConfiguration, loadEnvFile } from './config/configuration.js';
import { withConfiguration } from './config/config-context.js';
import { ConfigValidationError } from './config/validate-env.js';
import { DemoData } from './database/demo-data.js';

try {
  loadEnvFile();
  const root = AppModule.forRoot();
  const app = await withConfiguration({}, async () => {
    assertValidConfiguration(root);
    return NestFactory.createApplicationContext(root, { logger: ['error', 'warn', 'log'] });
  });
  const seeded = await app.get(DemoData).seedAll();
  process.stdout.write(`Demo data applied: ${seeded.join(', ') || 'none registered'}\n`);
  await app.close();
} catch (error) {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`flowgate: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
