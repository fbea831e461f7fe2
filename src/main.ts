import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigService } from '@nestjs/config';
import { createApp } from './app.factory.js';
import { AppModule } from './app.module.js';
import { appConfig, type AppConfig } from './config/app.config.js';
import { withConfiguration } from './config/config-context.js';
import { assertValidConfiguration } from './config/configuration.js';
import { loadEnvFile } from './config/env-file.js';
import { ConfigValidationError } from './config/config-validation-error.js';
import { exitWith } from './common/exit.js';
import { flowCredentials, flowsConfig, loadConfiguredRing } from './flows-core/server.js';
import { AppLogger } from './logging/app-logger.js';
import { bootSummary } from './server/boot-summary.js';
import { runClusterPrimary } from './server/cluster-primary.js';

try {
  loadEnvFile();
  await withConfiguration({}, async () => {
    // Fail fast, once, before forking anything.
    assertValidConfiguration(AppModule.forRoot());
    const { webConcurrency, logLevel, logFormat } = appConfig();
    if (cluster.isPrimary && webConcurrency > 1) {
      // Workers build their own key ring; check the keys (and generate development ones) once, here.
      loadConfiguredRing(flowCredentials(flowsConfig()).keys);
      runClusterPrimary(webConcurrency, logLevel, logFormat);
    } else {
      const app = await createApp();
      const { port, host } = app.get(ConfigService).getOrThrow<AppConfig>('app');
      await app.listen(port, host);
      app.get(AppLogger).log(bootSummary(app), 'Flowgate');
    }
  });
} catch (error) {
  // Configuration mistakes get one line saying what to fix, not a stack trace.
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`flowgate: ${error.message}\n`);
    exitWith(1);
  } else throw error;
}
