import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry } from '../../health/readiness-registry.js';
import { Tenants } from '../tenants/tenants.service.js';
import { FlowKeyRing } from './flow-key-ring.js';

/** Readiness reports the key ring by fingerprint (never key material). */
@Injectable()
export class KeyRingHealth implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly health: HealthIndicatorService,
    private readonly keys: FlowKeyRing,
    private readonly tenants: Tenants,
  ) {}

  onModuleInit(): void {
    this.registry.register('keys', async () => {
      const check = this.health.check('keys');
      const keys = this.keys.describe();
      return keys.current ? check.up(keys) : check.down({ message: 'no current private key' });
    });
    // Each tenant's keys and app secrets by fingerprint (a tenant always has a current key: the boot checks it).
    if (this.tenants.size > 0) {
      this.registry.register('tenants', async () =>
        this.health.check('tenants').up(Object.fromEntries(this.tenants.list().map((tenant) => [tenant.name, tenant.describe()]))),
      );
    }
  }
}
