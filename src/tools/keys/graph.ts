import { createPublicKey } from 'node:crypto';
import { keyFingerprint } from '../../flows-core/testing.js';
import { GraphApiClient, GraphApiError, graphApiConfig } from '../../graph-api/index.js';
import { CliError, UnreachableError } from '../cli/errors.js';
import { metaHost } from '../flows/output.js';

/** What is missing to talk to Meta about the flow key: one line per setting, all of them at once. */
export function graphSettingsProblems(): string[] {
  const graph = graphApiConfig();
  return [
    ...(graph.accessToken ? [] : ['WHATSAPP_ACCESS_TOKEN is not set: it is needed to talk to Meta about the flow key']),
    ...(graph.phoneNumberId ? [] : ['WHATSAPP_PHONE_NUMBER_ID is not set: the key belongs to a WhatsApp phone number']),
  ];
}

/** Throws one CliError listing every problem (one line each), when there are any. */
export function requireSettings(problems: string[]): void {
  if (problems.length) throw new CliError(problems.join('\n'));
}

/**
 * A phone number and the token to manage its key with: a tenant's (--tenant) number and graph-token.
 * Without one, the configured WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN.
 */
export interface KeyAccount {
  phoneNumberId: string;
  accessToken: string;
}

/** Meta's endpoint for the phone number's Flows public key, and the client to call it with. */
function encryptionEndpoint(account?: KeyAccount) {
  if (!account) requireSettings(graphSettingsProblems());
  const graph = { ...graphApiConfig(), ...account };
  return { client: new GraphApiClient(graph), path: `${graph.phoneNumberId!}/whatsapp_business_encryption`, phoneNumberId: graph.phoneNumberId! };
}

/** Fails early (before any file changes) when Meta cannot be called. */
export function assertGraphConfigured(): void {
  encryptionEndpoint();
}

async function call(action: string, request: () => Promise<unknown>): Promise<any> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof GraphApiError && error.unreachable) {
      throw new UnreachableError(`${action} failed: Meta could not be reached at ${metaHost()} (${error.provider.userMessage ?? error.message})`);
    }
    if (error instanceof GraphApiError) throw new CliError(`${action} failed: ${error.message}`);
    throw error;
  }
}

/** Uploads the SPKI PEM as the phone number's business public key. Returns the phone number id. */
export async function uploadPublicKey(publicPem: string, account?: KeyAccount): Promise<string> {
  const endpoint = encryptionEndpoint(account);
  const body = await call('Uploading the public key to Meta', () =>
    endpoint.client.request('POST', endpoint.path, { form: { business_public_key: publicPem } }),
  );
  if ((body as { success?: unknown } | undefined)?.success !== true) {
    throw new CliError(`Uploading the public key to Meta failed: unexpected answer ${JSON.stringify(body)?.slice(0, 200)}`);
  }
  return endpoint.phoneNumberId;
}

export interface UploadedKey {
  /** Absent when no key has been uploaded for the phone number. */
  publicPem?: string;
  fingerprint?: string;
  /** VALID, or MISMATCH when the key's signature does not match the phone number (upload it again). */
  signatureStatus?: string;
}

/** What Meta currently holds. It answers a flat object or `{ data: [ ... ] }`; both are accepted. */
export async function fetchUploadedKey(account?: KeyAccount): Promise<UploadedKey> {
  const endpoint = encryptionEndpoint(account);
  const body = await call('Reading the uploaded key from Meta', () => endpoint.client.request('GET', endpoint.path));
  const entry = Array.isArray(body?.data) ? body.data[0] : body;
  const publicPem = typeof entry?.business_public_key === 'string' && entry.business_public_key.trim() ? entry.business_public_key : undefined;
  const signatureStatus = typeof entry?.business_public_key_signature_status === 'string' ? entry.business_public_key_signature_status : undefined;
  if (!publicPem) return { signatureStatus };
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(createPublicKey(publicPem));
  } catch {
    throw new CliError('Meta returned a business_public_key that is not a PEM public key');
  }
  return { publicPem, fingerprint, signatureStatus };
}
