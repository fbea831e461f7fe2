// The flows core for the command-line tools, the test kit and the benchmark (as @nestjs/testing is to
// Nest): the server's configuration, keys and crypto, seen from the client's side, and dispatchFlow()
// to run a flow's handler for a request without HTTP or crypto.
export { dispatchFlow, type DispatchedReply, type DispatchRequest } from './routing/dispatch-flow.js';
export { FlowContract, type WireResponse } from './contract/flow-contract.js';
export { screenDataErrors } from './contract/screen-data-validator.js';
export { flowsConfig, type FlowsConfig } from './flows.config.js';
export { flowCredentials, loadConfiguredRing, type FlowCredentials } from './keys/flow-key-ring.js';
export { keyFingerprint, loadRing, loadRingKey, type KeySource, type RingKey } from './keys/ring-key.js';
export { assertPrivateFolder, createExclusive, entryExists, UnsafeKeyFileError } from './keys/private-files.js';
export { decryptResponse, encryptRequest, type AesSession, type ClientEncryptOptions } from './crypto/flow-crypto.js';
// The server's side of the crypto, for the benchmark's ceiling of what one core can do.
export { decryptPayload, encryptResponse, unwrapAesKey } from './crypto/flow-crypto.js';
export type { FlowEnvelope } from './crypto/flow-envelope.js';
export { signBody } from '../hub-signature/index.js';
// A tenant's folder (TENANTS_DIR), read as the server reads it, for the keys and flows commands' --tenant.
export {
  readTenantCredentials,
  readTenantDefinition,
  readTenantGraphToken,
  readTenantKeys,
  tenantFolders,
  TENANT_FILES,
  TenantConfigError,
  type TenantDefinition,
} from './tenants/tenant-files.js';
