/** Webhook notifications shaped exactly like Meta's Cloud API sends them. */

let sequence = 0;

const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

/** A Cloud API `messages` notification around `value`, shaped exactly like Meta's. */
function messagesNotification<Value extends Record<string, unknown>>(value: Value) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: METADATA, ...value } }] }],
  };
}

/** An `nfm_reply` notification shaped exactly like Meta's. */
export function nfmReply(flowToken: string, response: Record<string, unknown> | string, messageId = `wamid.TEST${++sequence}${Date.now()}`) {
  return messagesNotification({
    contacts: [{ profile: { name: 'Maria' }, wa_id: '351910000000' }],
    messages: [
      {
        context: { from: '15550783881', id: 'wamid.HBgLMTU1NTA3ODM4ODEVAgARGBI' },
        from: '351910000000',
        id: messageId,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: {
            response_json: typeof response === 'string' ? response : JSON.stringify({ ...response, flow_token: flowToken }),
            body: 'Sent',
            name: 'flow',
          },
        },
      },
    ],
  });
}

export function statusUpdate(messageId: string, status: string) {
  return messagesNotification({
    statuses: [
      {
        id: messageId,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: '351910000000',
        ...(status === 'failed' ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}),
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
