// The flows core for the app's other modules (the app module and main, webhooks, outbound,
// meta-flows, the boot summary): the module, the registry of flows and the key ring. Flows use index.ts.
export { FlowsCoreModule } from './flows-core.module.js';
export { FlowRegistry, type RegisteredFlow, type RegisteredHandler } from './routing/flow-registry.js';
export { flowHandlerOf, flowMetadataOf, type FlowHandlerKind, type FlowMetadata } from './routing/flow.decorators.js';
export { FlowSessionEntity } from './sessions/flow-session.entity.js';
export { flowsConfig, type FlowsConfig } from './flows.config.js';
export { flowCredentials, loadConfiguredRing, FlowKeyRing, type FlowCredentials } from './keys/flow-key-ring.js';
// WhatsApp's side of the crypto, for the synthetic prober (src/probe), which sends pings as Meta does.
export { decryptResponse, encryptRequest, type AesSession } from './crypto/flow-crypto.js';
export {
  asUserId,
  checkSender,
  normalizePhone,
  BSUID,
  E164,
  type SenderCheck,
  type WhatsAppSender,
  type WhatsAppUser,
} from './sessions/whatsapp-user.js';
// Tenants (TENANTS_DIR): outbound sends with a tenant's number and token, webhooks find a change's tenant.
export { Tenants } from './tenants/tenants.service.js';
export type { Tenant } from './tenants/tenant.js';
