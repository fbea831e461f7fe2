// Flowgate as `npm start` runs it (the built application with the business flows), plus one flow
// the resilience tests can observe: its screen can be made slow (SLOW_SCREEN_MS) to keep requests
// in flight, and its completion handler writes one row per call into `completion_effects` inside
// the submission's transaction (EFFECT_DELAY_MS keeps jobs running when a test kills the process).
// Plain JavaScript on dist/ so it runs as a real, killable process.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createApp } from '../../../dist/src/app.factory.js';
import { Completion, CurrentSession, Flow, FlowCompletion, FlowResponse, FlowScreen } from '../../../dist/src/flows-core/index.js';

const slowScreenMs = Number(process.env.SLOW_SCREEN_MS ?? 0);
const effectDelayMs = Number(process.env.EFFECT_DELAY_MS ?? 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ResilienceFlow {
  async welcome(session) {
    if (slowScreenMs) await sleep(slowScreenMs);
    return FlowResponse.navigate('WELCOME', { plan: `served ${session.token.slice(0, 8)}` });
  }

  async completed(event) {
    // No unique key on purpose: a second call for one message would show up as a second row.
    await event.manager.query('INSERT INTO completion_effects (message_id, pid) VALUES ($1, $2)', [event.messageId, process.pid]);
    if (effectDelayMs) await sleep(effectDelayMs);
  }
}
const method = (name) => Object.getOwnPropertyDescriptor(ResilienceFlow.prototype, name);
Flow('resilience', { tokens: 'any', flowJson: new URL('../../flows-core/fixtures/members.flow.json', import.meta.url) })(ResilienceFlow);
FlowScreen('WELCOME')(ResilienceFlow.prototype, 'welcome', method('welcome'));
CurrentSession()(ResilienceFlow.prototype, 'welcome', 0);
FlowCompletion()(ResilienceFlow.prototype, 'completed', method('completed'));
Completion()(ResilienceFlow.prototype, 'completed', 0);

class ResilienceFlowModule {}
Module({ providers: [ResilienceFlow] })(ResilienceFlowModule);

const app = await createApp({ modules: [ResilienceFlowModule] });
await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
