import { ConfigService } from '@nestjs/config';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/app.config.js';
import { describeDatabase, type DatabaseConfig } from '../database/database.config.js';
import { FlowKeyRing, FlowRegistry, Tenants } from '../flows-core/server.js';

/**
 * The last line of the boot, for the person who just ran `npm start`: where it listens, which flows
 * it serves where, which database it uses, and where the public key to give WhatsApp is.
 */
export function bootSummary(app: INestApplication): string {
  const config = app.get(ConfigService);
  const { port, host } = config.getOrThrow<AppConfig>('app');
  const base = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  const flows = app.get(FlowRegistry).names().sort();
  const dev = app.get(FlowKeyRing).credentials.dev;
  const publicKey = dev ? dev.publicKeyFile : "npm run keys -- upload (sends the current key's public key to Meta)";
  const tenants = app
    .get(Tenants)
    .list()
    .map((tenant) => tenant.name);
  return [
    `Flowgate listening on ${base}`,
    `flows: ${flows.length ? flows.map((name) => `POST /flows/${name}`).join(', ') : 'none'}`,
    ...(tenants.length ? [`tenants: ${tenants.join(', ')} (POST /flows/<tenant>/<flow>)`] : []),
    `database: ${describeDatabase(config.getOrThrow<DatabaseConfig>('database'))}`,
    `public key: ${publicKey}`,
  ].join(' · ');
}
