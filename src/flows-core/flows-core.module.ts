import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { flowsConfig } from './flows.config.js';
import { FlowDecryptor } from './crypto/flow-decryptor.js';
import { FlowEndpointController } from './http/flow-endpoint.controller.js';
import { FlowSignatureGuard } from './http/flow-signature.guard.js';
import { FlowKeyRing } from './keys/flow-key-ring.js';
import { KeysAdminController } from './keys/keys-admin.controller.js';
import { KeyRingHealth } from './keys/key-ring.health.js';
import { SecretDirectoryWatch } from './keys/secret-directory-watch.js';
import { MediaModule } from './media/media.module.js';
import { FlowExplorer } from './routing/flow-explorer.js';
import { FlowRegistry } from './routing/flow-registry.js';
import { EnvelopeReplay } from './replay/envelope-replay.js';
import { FlowRouter } from './routing/flow-router.js';
import { FlowSessionEntity } from './sessions/flow-session.entity.js';
import { FlowSessions } from './sessions/flow-sessions.service.js';
import { AppSecrets } from './signature/app-secrets.js';

/**
 * The WhatsApp Flows data endpoint: signature, crypto, key ring, routing to `@Flow` controllers
 * and flow-token sessions. Knows no business flow: `@Flow` classes are found wherever they are
 * provided. Global because every flow module uses its services (sessions, media).
 */
@Global()
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature([FlowSessionEntity]), ConfigModule.forFeature(flowsConfig), MediaModule],
  controllers: [FlowEndpointController, KeysAdminController],
  providers: [
    AppSecrets,
    FlowKeyRing,
    KeyRingHealth,
    SecretDirectoryWatch,
    FlowDecryptor,
    FlowRegistry,
    FlowExplorer,
    FlowRouter,
    EnvelopeReplay,
    FlowSessions,
    FlowSignatureGuard,
  ],
  exports: [AppSecrets, FlowKeyRing, FlowSessions, FlowRegistry, MediaModule],
})
export class FlowsCoreModule {}
