// Meta's X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret): verified below both
// the data endpoint and the webhooks. The module owning the credentials provides APP_SECRETS_SOURCE.
export {
  AppSecrets,
  APP_SECRETS_SOURCE,
  HUB_SIGNED_BODY,
  secretFingerprint,
  signBody,
  type AppSecretsSource,
  type SecretMatch,
} from './app-secrets.js';
export { acceptSigned, HubSignatureGuard, type SignedRequest } from './hub-signature.guard.js';
