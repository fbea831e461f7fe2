import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { createApp } from './app.factory.js';
import type { AppConfig } from './config/app.config.js';
import { ConfigValidationError } from './config/validate-env.js';

try {
  const app = await createApp();
  const { port, host } = app.get(ConfigService).getOrThrow<AppConfig>('app');
  await app.listen(port, host);
} catch (error) {
  // Configuration mistakes get one line saying what to fix, not a stack trace.
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`flowgate: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
