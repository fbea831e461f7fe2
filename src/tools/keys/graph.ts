import { createPublicKey } from 'node:crypto';
import { keyFingerprint } from '../../flows-core/index.js';
import { outboundConfig } from '../../outbound/outbound.config.js';
import { OutboundError, sendWithRetries } from '../../outbound/http-sender.js';
import { CliError } from './cli-error.js';

/** Meta's endpoint for the phone number's Flows public key, and how to call it. */
function encryptionEndpoint() {
  const { graph, maxTotalMs } = outboundConfig();
  if (!graph.accessToken) {
    throw new CliError('WHATSAPP_ACCESS_TOKEN is not set: it is needed to talk to Meta about the flow key');
  }
  if (!graph.phoneNumberId) {
    throw new CliError('WHATSAPP_PHONE_NUMBER_ID is not set: the key belongs to a WhatsApp phone number');
  }
  return {
    url: `${graph.baseUrl}/${graph.phoneNumberId}/whatsapp_business_encryption`,
    authorization: `Bearer ${graph.accessToken}`,
    phoneNumberId: graph.phoneNumberId,
    maxTotalMs,
  };
}

/** Fails early (before any file changes) when Meta cannot be called. */
export function assertGraphConfigured(): void {
  encryptionEndpoint();
}

async function call(action: string, request: () => Promise<unknown>): Promise<any> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof OutboundError) throw new CliError(`${action} failed: ${error.message}`);
    throw error;
  }
}

/** Uploads the SPKI PEM as the phone number's business public key. Returns the phone number id. */
export async function uploadPublicKey(publicPem: string): Promise<string> {
  const endpoint = encryptionEndpoint();
  const body = await call('Uploading the public key to Meta', () =>
    sendWithRetries({
      url: endpoint.url,
      method: 'POST',
      headers: { authorization: endpoint.authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ business_public_key: publicPem }).toString(),
      maxTotalMs: endpoint.maxTotalMs,
    }),
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
export async function fetchUploadedKey(): Promise<UploadedKey> {
  const endpoint = encryptionEndpoint();
  const body = await call('Reading the uploaded key from Meta', () =>
    sendWithRetries({ url: endpoint.url, method: 'GET', headers: { authorization: endpoint.authorization }, maxTotalMs: endpoint.maxTotalMs }),
  );
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
