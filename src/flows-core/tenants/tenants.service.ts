import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ConfigValidationError } from '../../config/config-validation-error.js';
import { flowsConfig } from '../flows.config.js';
import type { ReloadResult } from '../keys/flow-key-ring.js';
import { Tenant } from './tenant.js';
import { readTenantDefinitions } from './tenant-files.js';

/**
 * The tenants of this deployment (TENANTS_DIR): several WABAs, numbers and apps served by one
 * process, each with its own endpoint, app secrets, key ring and Graph API token. Empty when
 * TENANTS_DIR is unset: then nothing of this runs on any request. Read at boot (a bad tenant stops it
 * with one line naming the tenant and the file); credentials are read again on SIGHUP, on
 * `POST /admin/keys/reload?tenant=`, and when their files change (polled).
 */
@Injectable()
export class Tenants implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(Tenants.name);
  private readonly byName = new Map<string, Tenant>();
  private readonly byPhoneNumberId = new Map<string, Tenant>();
  private readonly byWabaId = new Map<string, Tenant>();
  private poll?: NodeJS.Timeout;
  private readonly onSighup = () => this.reloadAll('SIGHUP');

  constructor(@Inject(flowsConfig.KEY) private readonly config: ConfigType<typeof flowsConfig>) {
    if (!config.tenantsDir) return;
    try {
      for (const definition of readTenantDefinitions(config.tenantsDir)) {
        const tenant = new Tenant(definition, { metaFormat: config.metaFormatSecrets });
        this.byName.set(tenant.name, tenant);
        this.byWabaId.set(definition.wabaId, tenant);
        for (const id of definition.phoneNumberIds) this.byPhoneNumberId.set(id, tenant);
      }
    } catch (error) {
      throw new ConfigValidationError(`Invalid configuration: TENANTS_DIR: ${(error as Error).message}`);
    }
  }

  /** How many tenants are configured (0: the single-tenant configuration only). */
  get size(): number {
    return this.byName.size;
  }

  get(name: string): Tenant | undefined {
    return this.byName.get(name);
  }

  list(): Tenant[] {
    return [...this.byName.values()];
  }

  /**
   * The tenant a webhook change belongs to: by its `metadata.phone_number_id`, else by the WABA id of
   * its entry (`entry.id`).
   */
  owning(phoneNumberId: unknown, wabaId: unknown): Tenant | undefined {
    return (
      (typeof phoneNumberId === 'string' ? this.byPhoneNumberId.get(phoneNumberId) : undefined) ??
      (typeof wabaId === 'string' ? this.byWabaId.get(wabaId) : undefined)
    );
  }

  onModuleInit(): void {
    if (this.config.tenantsDir && this.size === 0)
      this.logger.warn(`TENANTS_DIR ${this.config.tenantsDir} holds no tenant folder: single-tenant only`);
    if (this.size === 0) return;
    for (const tenant of this.byName.values()) {
      this.logger.log(`Tenant "${tenant.name}": ${tenant.definition.phoneNumberIds.length} phone number(s), ${tenant.describe()}`);
    }
    process.on('SIGHUP', this.onSighup);
    this.poll = setInterval(() => this.reloadChanged(), this.config.secretsPollIntervalS * 1000).unref();
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onSighup);
    clearInterval(this.poll);
  }

  /** Reloads one tenant's credentials; a failure keeps the working ones and says why. */
  reload(tenant: Tenant, reason: string): ReloadResult {
    const result = tenant.reload();
    if (result.ok) this.logger.log(`Tenant "${tenant.name}" reloaded (${reason}): ${tenant.describe()}`);
    else this.logger.error(`Tenant "${tenant.name}" reload (${reason}) failed, keeping the working credentials: ${result.error}`);
    return result;
  }

  reloadAll(reason: string): void {
    for (const tenant of this.byName.values()) this.reload(tenant, reason);
  }

  /** Reloads the tenants whose files changed (a rotation: new key or secret files dropped in their folder). */
  reloadChanged(): void {
    for (const tenant of this.byName.values()) {
      try {
        if (tenant.changed()) this.reload(tenant, 'files changed');
      } catch (error) {
        this.logger.warn(`Tenant "${tenant.name}": cannot read its folder (${(error as Error).message})`);
      }
    }
  }
}
