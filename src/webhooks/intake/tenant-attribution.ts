import type { Tenant, Tenants } from '../../flows-core/server.js';
import { splitWhatsAppNotification, type IncomingEvent } from './split-events.js';

type Json = Record<string, any>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The events of a notification received on a tenant's webhook URL (`/webhooks/whatsapp/<tenant>`),
 * each attributed to its tenant: the one owning its change's `metadata.phone_number_id`, else the one
 * owning its entry's WABA (`entry.id`). One app may serve several tenants' WABAs and sends them all
 * to one callback URL, so a change may belong to another tenant than the URL's; it is theirs only
 * when their app secrets verify the notification too (`signedBy`: the same app signed it), at most
 * one check per tenant named. Anything else stays the URL tenant's, whose secret signed it: a change
 * naming another app's number can then complete none of that app's tokens.
 */
export function tenantEvents(body: Json, received: Tenant, tenants: Tenants, signedBy: (tenant: Tenant) => boolean): IncomingEvent[] {
  const sameApp = new Map<Tenant, boolean>([[received, true]]);
  const trusted = (tenant: Tenant) => {
    let signed = sameApp.get(tenant);
    if (signed === undefined) sameApp.set(tenant, (signed = signedBy(tenant)));
    return signed;
  };
  const events: IncomingEvent[] = [];
  for (const entry of (Array.isArray(body.entry) ? body.entry : []).filter(isObject)) {
    for (const event of splitWhatsAppNotification({ entry: [entry] })) {
      const metadata = event.payload.metadata as Json | undefined;
      const owner = tenants.owning(isObject(metadata) ? metadata.phone_number_id : undefined, entry.id);
      events.push({ ...event, tenant: (owner && trusted(owner) ? owner : received).name });
    }
  }
  return events;
}
