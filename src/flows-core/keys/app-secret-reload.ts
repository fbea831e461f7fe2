import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AppSecrets } from '../../hub-signature/index.js';
import { flowsConfig } from '../flows.config.js';
import { readAppSecretFile } from './app-secret-files.js';
import { FlowKeyRing } from './flow-key-ring.js';

/**
 * App secrets kept in files (WHATSAPP_APP_SECRET_FILE, _PREVIOUS_FILE: a mounted Kubernetes Secret)
 * follow the keys: read again on every key ring reload (SIGHUP, the admin API, a changed file). A file
 * that cannot be read, or holds no secret, keeps the working secrets.
 */
@Injectable()
export class AppSecretFileReload {
  private readonly logger = new Logger('AppSecrets');

  constructor(
    @Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>,
    ring: FlowKeyRing,
    private readonly secrets: AppSecrets,
  ) {
    if (config.appSecretFile || config.appSecretPreviousFile) ring.onReload(() => this.reload());
  }

  reload(): void {
    const { appSecretFile, appSecretPreviousFile, metaFormatSecrets: metaFormat } = this.config;
    try {
      const current = appSecretFile ? readAppSecretFile(appSecretFile, 'WHATSAPP_APP_SECRET_FILE', { metaFormat }) : this.secrets.secret('current');
      const previous = appSecretPreviousFile
        ? readAppSecretFile(appSecretPreviousFile, 'WHATSAPP_APP_SECRET_PREVIOUS_FILE', { optional: true, metaFormat })
        : this.secrets.secret('previous');
      this.secrets.replace(current, previous);
      this.logger.log(`App secrets reloaded: ${this.secrets.fingerprints()}`);
    } catch (error) {
      this.logger.error(`App secret reload failed, keeping the working secrets: ${(error as Error).message}`);
    }
  }
}
