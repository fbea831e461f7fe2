/**
 * Who a flow token is for, and who a completion came from: WhatsApp identifies a person by phone
 * number, by business-scoped user id (BSUID), or both. A user who adopted a username may hide the
 * phone number: outside a recent interaction Meta's webhooks carry the BSUID only. Either may be
 * absent, never both.
 */
export interface WhatsAppUser {
  /** E.164 phone number (`+351910000000`). */
  phone?: string;
  /** Business-scoped user id (`US.13491208655302741918`), or a parent one (`US.ENT.…`) for linked portfolios. */
  userId?: string;
}

/** A completion's sender, as Meta's webhook describes them. */
export interface WhatsAppSender extends WhatsAppUser {
  /** The parent BSUID of a business with linked portfolios (`US.ENT.…`). */
  parentUserId?: string;
  /** The user's WhatsApp username: for display only, it can change; never an identity. */
  username?: string;
}

/**
 * A BSUID: a two-letter country code, a dot, up to 128 letters and digits; a parent BSUID has `ENT.`
 * after the country code (Meta, "Business-scoped user IDs").
 */
export const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** E.164: `+`, then 7 to 15 digits, not starting with 0. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number as Flowgate stores it (E.164, `+` and digits), from any of the forms it arrives in:
 * Meta's webhooks send `351910000000`, the admin API takes `+351910000000`. Undefined when it is not one.
 */
export function normalizePhone(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const digits = value.replace(/[\s().-]/g, '').replace(/^\+/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits)) return undefined;
  return `+${digits}`;
}

/** A BSUID or parent BSUID, or undefined when `value` is not one. */
export function asUserId(value: unknown): string | undefined {
  return typeof value === 'string' && BSUID.test(value) ? value : undefined;
}

/**
 * Whether a completion came from the person its token was issued to:
 * - `unbound`: the token was issued to nobody (opened on first sight, or issued without a recipient);
 * - `match`: every identifier known on both sides agrees (phone with phone; the token's user id with
 *   the sender's user id or parent user id), and at least one could be compared;
 * - `mismatch`: an identifier known on both sides differs (the same phone with another BSUID is
 *   another person too: a BSUID changes when a number changes hands);
 * - `unverifiable`: the token names a person, the sender carries nothing it can be compared with.
 */
export type SenderCheck = 'unbound' | 'match' | 'mismatch' | 'unverifiable';

export function checkSender(issuedTo: { phone?: string | null; userId?: string | null }, sender: WhatsAppSender): SenderCheck {
  // A legacy row may hold another kind of reference in `phone` (the column once took any): not a number to compare.
  const phone = normalizePhone(issuedTo.phone);
  const userId = issuedTo.userId ?? undefined;
  if (!phone && !userId) return 'unbound';
  let compared = false;
  if (phone && sender.phone) {
    if (normalizePhone(sender.phone) !== phone) return 'mismatch';
    compared = true;
  }
  if (userId && (sender.userId || sender.parentUserId)) {
    if (userId !== sender.userId && userId !== sender.parentUserId) return 'mismatch';
    compared = true;
  }
  return compared ? 'match' : 'unverifiable';
}
