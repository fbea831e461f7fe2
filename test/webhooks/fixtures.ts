import { Module } from '@nestjs/common';
import {
  Completion,
  CurrentSession,
  Flow,
  FlowCompletion,
  FlowResponse,
  FlowScreen,
  type FlowCompletionEvent,
  type FlowSession,
} from '../../src/flows-core/index.js';

/** What the completion handler saw, and how many more times it should fail (set by tests). */
export const completions = {
  calls: [] as Array<{ token?: string; response: Record<string, unknown> }>,
  /** Every completion event whole (sender identifiers included), for the tests about who completed. */
  events: [] as Array<Omit<FlowCompletionEvent, 'manager'>>,
  failuresLeft: 0,
  /** How long the handler takes, and the tokens whose handling has started. */
  delayMs: 0,
  started: [] as Array<string | undefined>,
};

@Flow('signup', { tokens: 'issued', flowJson: new URL('../flows-core/fixtures/members.flow.json', import.meta.url) })
export class SignupFlow {
  @FlowScreen('WELCOME')
  welcome() {
    return FlowResponse.navigate('WELCOME', { plan: 'basic' });
  }

  @FlowCompletion()
  async completed(@Completion() event: FlowCompletionEvent, @CurrentSession() session: FlowSession) {
    completions.started.push(event.flowToken);
    if (completions.delayMs) await new Promise((resolve) => setTimeout(resolve, completions.delayMs));
    if (completions.failuresLeft > 0) {
      completions.failuresLeft--;
      throw new Error('CRM is down');
    }
    // Written through the submission's transaction: it commits with it, once.
    await event.manager.query('SELECT 1');
    // The session row is locked by that transaction: its writes go through it too.
    await session.set({ completed_by: event.messageId, plan: event.response.plan });
    completions.calls.push({ token: event.flowToken, response: event.response });
    const { manager: _, ...seen } = event;
    completions.events.push(seen);
  }
}

/** A flow without a data endpoint: its completion carries no flow token, only the message it answers. */
@Flow('survey', { tokens: 'issued', flowJson: new URL('./fixtures/survey.flow.json', import.meta.url) })
export class SurveyFlow {
  @FlowCompletion()
  async completed(@Completion() event: FlowCompletionEvent) {
    await event.manager.query('SELECT 1');
    const { manager: _, ...seen } = event;
    completions.events.push(seen);
    completions.calls.push({ token: event.flowToken, response: event.response });
  }
}

@Module({ providers: [SignupFlow] })
export class SignupFlowModule {}

@Module({ providers: [SurveyFlow] })
export class SurveyFlowModule {}

export { flowsAlert, MARIA, nfmReply, statusUpdate, USERNAME_USER } from '../kit/whatsapp-notifications.js';
