import { flowsConfig } from '../../flows-core/flows.config.js';
import { loadRing, type RingKey } from '../../flows-core/keys/ring-key.js';

/**
 * The configured ring (current key first), read exactly as the server reads it. A bad variable or
 * key throws ConfigValidationError, whose one-line message is printed as is.
 */
export function localRing(): RingKey[] {
  return loadRing(flowsConfig().keys);
}
