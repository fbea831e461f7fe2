import { flowCredentials, flowsConfig, loadConfiguredRing, type RingKey } from '../../flows-core/testing.js';

/**
 * The configured ring (current key first), read exactly as the server reads it. A bad variable or
 * key throws ConfigValidationError, whose one-line message is printed as is.
 */
export function localRing(): RingKey[] {
  return loadConfiguredRing(flowCredentials(flowsConfig()).keys);
}
