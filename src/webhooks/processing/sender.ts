import { asUserId, normalizePhone, type WhatsAppSender } from '../../flows-core/server.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A display string from outside: bounded, printable, or nothing. */
function text(value: unknown, max = 100): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return value;
}

/**
 * Who sent a message, from a messages webhook event (the message and its change's `contacts`), as
 * Meta's "Business-scoped user IDs" page describes it: the message's `from` (phone number, absent for
 * a username user outside a recent interaction), `from_user_id` (BSUID, always) and
 * `from_parent_user_id` (parent BSUID, for linked portfolios); the contact's `wa_id`, `user_id`,
 * `parent_user_id` and `profile.username`. The message's own fields win; the contact fills what they
 * lack. Values that are not what they claim (a "phone" of letters) are dropped, never trusted.
 */
export function senderOf(message: Json, contacts: unknown): WhatsAppSender {
  const fromPhone = normalizePhone(message.from);
  const fromUserId = asUserId(message.from_user_id);
  const list = Array.isArray(contacts) ? contacts.filter(isObject) : [];
  // The contact of this sender: the one naming the same user id or phone number, else the only one.
  const contact =
    list.find((candidate) => (fromUserId && candidate.user_id === fromUserId) || (fromPhone && normalizePhone(candidate.wa_id) === fromPhone)) ??
    (list.length === 1 ? list[0] : undefined);
  const sender: WhatsAppSender = {};
  const phone = fromPhone ?? normalizePhone(contact?.wa_id);
  const userId = fromUserId ?? asUserId(contact?.user_id);
  const parentUserId = asUserId(message.from_parent_user_id) ?? asUserId(contact?.parent_user_id);
  const username = text(isObject(contact?.profile) ? contact.profile.username : undefined);
  if (phone) sender.phone = phone;
  if (userId) sender.userId = userId;
  if (parentUserId) sender.parentUserId = parentUserId;
  if (username) sender.username = username;
  return sender;
}

/**
 * The recipient of a message status: `recipient_id` (phone number, absent for a message sent to a
 * BSUID) and `recipient_user_id`, else `recipient_parent_user_id` (some documents spell the latter
 * `parent_recipient_user_id`; both are read).
 */
export function recipientOf(status: Json): { phone?: string; userId?: string } {
  const phone = normalizePhone(status.recipient_id);
  const userId = asUserId(status.recipient_user_id) ?? asUserId(status.recipient_parent_user_id) ?? asUserId(status.parent_recipient_user_id);
  return { ...(phone ? { phone } : {}), ...(userId ? { userId } : {}) };
}
