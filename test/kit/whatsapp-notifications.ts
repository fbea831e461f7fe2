/**
 * Webhook notifications shaped exactly like Meta's Cloud API sends them, business-scoped user ids
 * included (Meta, "Business-scoped user IDs", since April 2026): the change's `contacts[]` carries
 * `user_id` (and `parent_user_id` for linked portfolios, `profile.username` once a user adopts a
 * username), each message `from_user_id` beside `from`, which is absent for a username user outside
 * a recent interaction (no `wa_id` either); statuses name the recipient's `recipient_user_id`.
 */

let sequence = 0;

const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

/** Who sends a message: the fields Meta may or may not include for them. */
export interface WhatsAppSenderFixture {
  /** The phone number as Meta writes it (digits, no `+`); absent for a username user Meta hides it for. */
  phone?: string;
  /** The BSUID (`from_user_id`, `contacts[].user_id`): in every messages webhook since April 2026. */
  userId: string;
  /** The parent BSUID, for businesses with linked portfolios. */
  parentUserId?: string;
  /** The profile name. */
  name?: string;
  /** The username, once the user adopted one. */
  username?: string;
}

/** The default sender: a user without a username, whose number Meta includes. */
export const MARIA: WhatsAppSenderFixture = { phone: '351910000000', userId: 'PT.1502576394655843', name: 'Maria' };

/** A user who adopted a username and hides their number: Meta sends the BSUID and the username, no `from`, no `wa_id`. */
export const USERNAME_USER: WhatsAppSenderFixture = { userId: 'US.13491208655302741918', name: 'Sam', username: 'sam.rivers' };

/** A Cloud API `messages` notification around `value`, shaped exactly like Meta's. */
function messagesNotification<Value extends Record<string, unknown>>(value: Value) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: METADATA, ...value } }] }],
  };
}

/** The `contacts[]` entry of a sender. */
function contactOf(sender: WhatsAppSenderFixture) {
  return {
    profile: { name: sender.name ?? 'Maria', ...(sender.username ? { username: sender.username } : {}) },
    ...(sender.phone ? { wa_id: sender.phone } : {}),
    user_id: sender.userId,
    ...(sender.parentUserId ? { parent_user_id: sender.parentUserId } : {}),
  };
}

export interface NfmReplyOptions {
  /** Who completed the flow (default MARIA). */
  sender?: WhatsAppSenderFixture;
  /** The id of the flow message it answers (`context.id`). */
  contextId?: string;
  /** Leave `flow_token` out of `response_json`, as a flow without a data endpoint sends it. */
  withoutToken?: boolean;
}

/** An `nfm_reply` notification shaped exactly like Meta's. */
export function nfmReply(
  flowToken: string,
  response: Record<string, unknown> | string,
  messageId = `wamid.TEST${++sequence}${Date.now()}`,
  options: NfmReplyOptions = {},
) {
  const sender = options.sender ?? MARIA;
  const params = typeof response === 'string' ? response : JSON.stringify(options.withoutToken ? response : { ...response, flow_token: flowToken });
  return messagesNotification({
    contacts: [contactOf(sender)],
    messages: [
      {
        context: { from: METADATA.display_phone_number, id: options.contextId ?? 'wamid.HBgLMTU1NTA3ODM4ODEVAgARGBI' },
        ...(sender.phone ? { from: sender.phone } : {}),
        from_user_id: sender.userId,
        ...(sender.parentUserId ? { from_parent_user_id: sender.parentUserId } : {}),
        id: messageId,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { response_json: params, body: 'Sent', name: 'flow' },
        },
      },
    ],
  });
}

export interface StatusOptions {
  /** The recipient (default MARIA). */
  recipient?: WhatsAppSenderFixture;
  /** The message was sent to the BSUID (`recipient` only): the status has no `recipient_id`. */
  sentToUserId?: boolean;
}

/**
 * A message status notification. `sent`, `delivered` and `read` carry a `contacts[]` entry for the
 * recipient (its username on delivered and read); `failed` carries none. `recipient_id` (phone number)
 * is there for a message sent to a phone number; `recipient_user_id` names the BSUID.
 */
export function statusUpdate(messageId: string, status: string, options: StatusOptions = {}) {
  const recipient = options.recipient ?? MARIA;
  const failed = status === 'failed';
  const contact = contactOf({ ...recipient, username: status === 'sent' ? undefined : recipient.username });
  return messagesNotification({
    ...(failed ? {} : { contacts: [options.sentToUserId ? { ...contact, wa_id: undefined } : contact] }),
    statuses: [
      {
        id: messageId,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        ...(!options.sentToUserId && recipient.phone ? { recipient_id: recipient.phone } : {}),
        ...(!failed || options.sentToUserId ? { recipient_user_id: recipient.userId } : {}),
        ...(recipient.parentUserId ? { recipient_parent_user_id: recipient.parentUserId } : {}),
        ...(failed ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}),
      },
    ],
  });
}

export function flowsAlert(event: string, state: string) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        time: Math.floor(Date.now() / 1000),
        changes: [
          {
            field: 'flows',
            value: { event, message: `Flow endpoint ${event}`, flow_id: '1234567890', alert_state: state, requests_count: 300 },
          },
        ],
      },
    ],
  };
}

/** A `flows` webhook notification as Meta sends it: one change whose `value` is given, at Meta's `time` (Unix seconds). */
export function flowsNotification(value: Record<string, unknown>, time = Math.floor(Date.now() / 1000), wabaId = '102290129340398') {
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, time, changes: [{ field: 'flows', value }] }] };
}
