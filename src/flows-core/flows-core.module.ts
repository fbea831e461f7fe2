import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../database/database.config.js';
import { flowsConfig } from './flows.config.js';
import { FlowDecryptor } from './crypto/flow-decryptor.js';
import { FlowEndpointController } from './http/flow-endpoint.controller.js';
import { FlowSignatureGuard } from './http/flow-signature.guard.js';
import { TenantCryptoInterceptor } from './http/tenant-crypto.interceptor.js';
import { TenantFlowEndpointController } from './http/tenant-flow-endpoint.controller.js';
import { TenantFlowGuard } from './http/tenant-flow.guard.js';
import { Tenants } from './tenants/tenants.service.js';
import { FlowKeyRing } from './keys/flow-key-ring.js';
import { KeysAdminController } from './keys/keys-admin.controller.js';
import { KeyRingHealth } from './keys/key-ring.health.js';
import { AppSecretFileReload } from './keys/app-secret-reload.js';
import { SecretDirectoryWatch } from './keys/secret-directory-watch.js';
import { FlowExplorer } from './routing/flow-explorer.js';
import { FlowRegistry } from './routing/flow-registry.js';
import { EnvelopeClaims } from './replay/envelope-replay.js';
import { EnvelopeRetention } from './replay/envelope-retention.js';
import { FlowRouter } from './routing/flow-router.js';
import { FlowTokenSignatures } from './routing/flow-token-signatures.js';
import { FlowEnvelopeEntity } from './sessions/flow-envelope.entity.js';
import { FlowSessionEntity } from './sessions/flow-session.entity.js';
import { FlowSessions } from './sessions/flow-sessions.service.js';
import { AppSecrets, APP_SECRETS_SOURCE, type AppSecretsSource } from '../hub-signature/index.js';
import type { ConfigType } from '@nestjs/config';

/**
 * The WhatsApp Flows data endpoint: signature, crypto, key ring, routing to `@Flow` controllers
 * and flow-token sessions. Knows no business flow: `@Flow` classes are found wherever they are
 * provided. Global because every flow module uses its services (sessions).
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    TypeOrmModule.forFeature([FlowSessionEntity, FlowEnvelopeEntity]),
    ConfigModule.forFeature(flowsConfig),
    ConfigModule.forFeature(databaseConfig),
  ],
  controllers: [FlowEndpointController, TenantFlowEndpointController, KeysAdminController],
  providers: [
    {
      // The data endpoint and the webhooks check Meta's signature with the configured app secret (or the
      // development one generated with the development key) and, during a rotation, the previous one.
      provide: APP_SECRETS_SOURCE,
      inject: [flowsConfig.KEY, FlowKeyRing],
      useFactory: (config: ConfigType<typeof flowsConfig>, ring: FlowKeyRing): AppSecretsSource => ({
        current: ring.credentials.appSecret,
        previous: config.appSecretPrevious,
      }),
    },
    AppSecrets,
    FlowKeyRing,
    KeyRingHealth,
    SecretDirectoryWatch,
    AppSecretFileReload,
    FlowDecryptor,
    FlowRegistry,
    FlowExplorer,
    FlowRouter,
    FlowTokenSignatures,
    EnvelopeClaims,
    EnvelopeRetention,
    FlowSessions,
    FlowSignatureGuard,
    Tenants,
    TenantFlowGuard,
    TenantCryptoInterceptor,
  ],
  exports: [AppSecrets, FlowKeyRing, FlowSessions, FlowRegistry, Tenants],
})
export class FlowsCoreModule {}
