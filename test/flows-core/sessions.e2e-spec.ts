import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import type { FlowReply } from '../kit/flow-test-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

/**
 * A flow token completes once, whatever arrives at the same time: each request runs in one
 * transaction holding its session row, the completing handler's writes commit with the claim.
 * Every request below is encrypted afresh (its own AES key and IV), as WhatsApp's client sends them.
 */
describe('flow-token sessions under concurrent requests', () => {
  let test: TestApp;
  let db: DataSource;
  let sessions: FlowSessions;
  const token = () => `claim-${randomBytes(6).toString('hex')}`;
  const save = (flowToken: string, then: string) => test.client.dataExchange('echo', flowToken, 'SAVE', { then });
  const marks = async (flowToken: string): Promise<string[]> =>
    (await db.query('SELECT note FROM echo_marks WHERE token = $1 ORDER BY note', [flowToken])).map((row: { note: string }) => row.note);
  const isSuccess = (reply: FlowReply) => reply.status === 200 && reply.json.screen === 'SUCCESS';

  beforeAll(async () => {
    // A generous budget: these tests are about ordering, not time (32 requests queue on one row).
    test = await startTestApp({ modules: [TestFlowsModule], env: { FLOW_RESPONSE_BUDGET_MS: '9000' } });
    db = test.app.get(DataSource);
    sessions = test.app.get(FlowSessions);
    await db.query('CREATE TABLE echo_marks (token text NOT NULL, note text NOT NULL)');
  });
  afterAll(async () => test?.close());

  it.each([8, 32])('%i identical completing requests on one token: one SUCCESS, its writes committed once, the others 427', async (copies) => {
    const flowToken = token();
    expect((await save(flowToken, 'keep')).json).toEqual({ screen: 'SAVE', data: { count: 1 } });
    const replies = await Promise.all(Array.from({ length: copies }, () => save(flowToken, 'finish')));
    const successes = replies.filter(isSuccess);
    expect(successes).toHaveLength(1);
    expect(successes[0].json.data).toEqual({ extension_message_response: { params: { saves: 2, flow_token: flowToken } } });
    expect(replies.filter((reply) => reply.status === 427)).toHaveLength(copies - 1);
    expect(await marks(flowToken)).toEqual(['finish', 'keep']);
    const stored = await sessions.find(flowToken);
    expect([stored!.status, stored!.state]).toEqual(['completed', { saves: 2 }]);
  });

  it.each([8, 32])('%i different requests on one token: one completion, no session write lost, failures commit nothing', async (count) => {
    const flowToken = token();
    const kinds = ['keep', 'finish', 'fail', 'violate'];
    const sent = Array.from({ length: count }, (_, i) => kinds[i % kinds.length]);
    const replies = await Promise.all(sent.map((then) => save(flowToken, then)));

    const successes = replies.filter(isSuccess);
    expect(successes).toHaveLength(1);
    // Requests that got in before the completion saw every earlier write: counts 1..k, the completion k + 1.
    // (An error answer on SAVE repeats the count last shown there, with its error_message.)
    const kept = replies.filter((reply) => reply.status === 200 && reply.json.screen === 'SAVE' && reply.json.data.error_message === undefined);
    const counts = kept.map((reply) => reply.json.data.count as number).sort((a, b) => a - b);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
    const saves = (successes[0].json.data.extension_message_response as { params: { saves: number } }).params.saves;
    expect(saves).toBe(kept.length + 1);
    // Every other reply is an error screen (the handler failed or broke the contract) or 427 (after the completion).
    for (const reply of replies.filter((r) => !isSuccess(r) && !kept.includes(r))) {
      expect(reply.status === 427 || typeof reply.json.data.error_message === 'string').toBe(true);
    }
    expect(await marks(flowToken)).toEqual(['finish', ...Array(kept.length).fill('keep')]);
    const stored = await sessions.find(flowToken);
    expect([stored!.status, stored!.state]).toEqual(['completed', { saves: kept.length + 1 }]);
  });

  it('32 concurrent state updates on one token are all kept', async () => {
    const flowToken = token();
    const replies = await Promise.all(Array.from({ length: 32 }, () => test.client.dataExchange('echo', flowToken, 'COUNT', {})));
    expect(replies.map((reply) => reply.json.data.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect((await sessions.find(flowToken))!.state).toEqual({ count: 32 });
  });

  it('a handler that fails, or whose answer breaks the contract, commits nothing and leaves the session open', async () => {
    const flowToken = token();
    expect((await save(flowToken, 'keep')).json).toEqual({ screen: 'SAVE', data: { count: 1 } });
    const failed = await save(flowToken, 'fail');
    expect([failed.status, failed.json.screen, typeof failed.json.data.error_message]).toEqual([200, 'SAVE', 'string']);
    const violated = await save(flowToken, 'violate');
    expect([violated.status, violated.json.screen, typeof violated.json.data.error_message]).toEqual([200, 'SAVE', 'string']);
    expect(await marks(flowToken)).toEqual(['keep']);
    expect((await sessions.find(flowToken))!).toMatchObject({ status: 'active', state: { saves: 1 } });
    // The token is still usable: it completes now, with the one save that counted before.
    expect((await save(flowToken, 'finish')).json.data).toEqual({ extension_message_response: { params: { saves: 2, flow_token: flowToken } } });
    expect(await marks(flowToken)).toEqual(['finish', 'keep']);
  });
});
