import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { readFlowJson } from '../../flow-json/files.js';
import { FlowSessions } from '../../flows-core/index.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import type { FlowReply } from '../../../test/kit/flow-test-client.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

const flowJson = readFlowJson(new URL('./appointments.flow.json', import.meta.url));

describe('appointment booking flow', () => {
  let test: TestApp;
  let sessions: FlowSessions;
  let db: DataSource;

  const valid = (reply: FlowReply) => {
    expect(contractErrors(flowJson, reply)).toEqual([]);
    return reply.json;
  };
  const issue = async () => (await sessions.issue('appointments', { phone: '+351910000000' })).token;
  const init = async (token: string) => valid(await test.client.init('appointments', token));
  const step = async (token: string, screen: string, data: Record<string, unknown>) =>
    valid(await test.client.dataExchange('appointments', token, screen, data));

  /** Walks a token up to CONFIRM for `slotId` (or the first free slot). Returns the chosen slot id. */
  async function reachConfirm(token: string, service = 'HAIRCUT', slotId?: string): Promise<string> {
    const start = await init(token);
    const date = start.data.dates[0].id;
    const slots = await step(token, 'SERVICE', { service, date });
    const slot = slotId ?? slots.data.slots[0].id;
    const confirm = await step(token, 'SLOTS', { slot, name: 'Maria Silva', email: 'maria@example.com' });
    expect(confirm.screen).toBe('CONFIRM');
    return slot;
  }

  beforeAll(async () => {
    // 50 confirmations at once queue on one database (one transaction at a time on the embedded one):
    // this file is about who gets the slot, not about the response budget.
    test = await startTestApp({ env: { DEMO_DATA: 'true', FLOW_RESPONSE_BUDGET_MS: '9000' } });
    sessions = test.app.get(FlowSessions);
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  it('INIT shows the services and the next days with free slots', async () => {
    const reply = await init(await issue());
    expect(reply.screen).toBe('SERVICE');
    expect(reply.data.services).toEqual([
      { id: 'BEARD', title: 'Beard trim', description: '15 min' },
      { id: 'CONSULT', title: 'Consultation', description: '60 min' },
      { id: 'HAIRCUT', title: 'Haircut', description: '30 min' },
    ]);
    expect(reply.data.dates.length).toBeGreaterThan(0);
    expect(reply.data.dates.length).toBeLessThanOrEqual(7);
    expect(reply.data.dates[0]).toEqual({ id: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), title: expect.any(String) });
  });

  it('a token we never issued is refused with 427', async () => {
    const reply = await test.client.init('appointments', 'made-up-token');
    expect(reply.status).toBe(427);
  });

  it('the whole path from INIT to a confirmed booking', async () => {
    const token = await issue();
    const start = await init(token);
    const date = start.data.dates[0].id;

    const slots = await step(token, 'SERVICE', { service: 'HAIRCUT', date });
    expect(slots.screen).toBe('SLOTS');
    expect(slots.data.service_name).toBe('Haircut');
    expect(slots.data.slots.length).toBeGreaterThan(0);
    expect(slots.data.slots[0].title).toMatch(/^\d{2}:\d{2} with (Ana|Bruno)$/);

    const confirm = await step(token, 'SLOTS', { slot: slots.data.slots[0].id, name: ' Maria Silva ', email: 'maria@example.com' });
    expect(confirm).toEqual({
      screen: 'CONFIRM',
      data: {
        service_name: 'Haircut',
        when: expect.any(String),
        staff_name: expect.stringMatching(/^(Ana|Bruno)$/),
        customer_name: 'Maria Silva',
        customer_email: 'maria@example.com',
      },
    });

    // The choice lives in the session, not in the client: the confirmation sends nothing back.
    expect((await sessions.find(token))!.state).toMatchObject({ service_id: 'HAIRCUT', date, slot_id: slots.data.slots[0].id });
    const done = await step(token, 'CONFIRM', { confirm: true });
    expect(done.screen).toBe('SUCCESS');
    const params = done.data.extension_message_response.params;
    expect(params).toEqual({
      flow_token: token,
      appointment_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'confirmed',
      service: 'Haircut',
      starts_at: expect.any(String),
    });
    const [booking] = await db.query('SELECT slot_id, customer_name, status FROM appointment_bookings WHERE id = $1', [params.appointment_id]);
    expect(booking).toEqual({ slot_id: slots.data.slots[0].id, customer_name: 'Maria Silva', status: 'confirmed' });
    // Booked: the slot is no longer offered, and the token is spent.
    expect((await test.client.init('appointments', token)).status).toBe(427);
  });

  it('invalid name or email is a readable error on SLOTS', async () => {
    const token = await issue();
    const start = await init(token);
    const slots = await step(token, 'SERVICE', { service: 'HAIRCUT', date: start.data.dates[0].id });
    const reply = await step(token, 'SLOTS', { slot: slots.data.slots[0].id, name: 'M', email: 'not-an-email' });
    expect(reply.screen).toBe('SLOTS');
    expect(reply.data.error_message).toBe('Please enter your name (2 to 80 characters). Please enter a valid email address');
    expect(reply.data.slots).toEqual(slots.data.slots);
  });

  it('a slot of another service or day is refused', async () => {
    const token = await issue();
    const start = await init(token);
    const beard = await step(token, 'SERVICE', { service: 'BEARD', date: start.data.dates[0].id });
    const haircut = await step(token, 'SERVICE', { service: 'HAIRCUT', date: start.data.dates[0].id });
    void haircut;
    const reply = await step(token, 'SLOTS', { slot: beard.data.slots[0].id, name: 'Maria', email: 'maria@example.com' });
    expect(reply.data.error_message).toBe('Please choose one of the times shown.');
  });

  it('a day without free times stays on SERVICE with an error', async () => {
    const token = await issue();
    await init(token);
    const reply = await step(token, 'SERVICE', { service: 'HAIRCUT', date: '2001-01-01' });
    expect(reply.screen).toBe('SERVICE');
    expect(reply.data.error_message).toBe('There are no free times that day. Please pick another day.');
    expect(reply.data.services.length).toBe(3);
  });

  it('no double booking: 50 concurrent confirmations for one slot → 1 booking, 49 see the slot list again', async () => {
    const tokens = await Promise.all(Array.from({ length: 50 }, issue));
    const slot = await reachConfirm(tokens[0], 'CONSULT');
    for (const token of tokens.slice(1)) await reachConfirm(token, 'CONSULT', slot);

    const replies = await Promise.all(tokens.map((token) => test.client.dataExchange('appointments', token, 'CONFIRM', { confirm: true })));
    expect(replies.map((reply) => reply.status).filter((status) => status !== 200)).toEqual([]);
    replies.forEach(valid);
    const won = replies.filter((reply) => reply.json.screen === 'SUCCESS');
    const lost = replies.filter((reply) => reply.json.screen === 'SLOTS');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const reply of lost) {
      expect(reply.json.data.error_message).toMatch(/just taken|fully booked/);
      expect(reply.json.data.slots.map((s: { id: string }) => s.id)).not.toContain(slot);
    }
    const [{ bookings }] = await db.query('SELECT count(*)::int AS bookings FROM appointment_bookings WHERE slot_id = $1', [slot]);
    expect(bookings).toBe(1);
    const [{ booked }] = await db.query('SELECT booked FROM appointment_slots WHERE id = $1', [slot]);
    expect(booked).toBe(1);
  });
});
