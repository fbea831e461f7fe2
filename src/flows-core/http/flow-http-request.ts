import type { SignedRequest } from '../../hub-signature/index.js';
import type { DecryptedFlowRequest } from '../crypto/flow-decryptor.js';
import type { Sealing } from '../routing/flow-router.js';

/** The Fastify request on the flow route, once the interceptor has opened the envelope. */
export type FlowHttpRequest = SignedRequest & { flow?: DecryptedFlowRequest & Sealing };
