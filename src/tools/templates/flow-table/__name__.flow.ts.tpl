import type { EntityManager } from 'typeorm';
import { CurrentSession, Flow, FlowData, FlowTransaction, typedFlow, type FlowSession } from '../../flows-core/index.js';
import { DoneDto } from './dto/done.dto.js';
import { StartDto } from './dto/start.dto.js';
import type { __Name__FlowTypes } from './__name__.flow-types.js';
import { __Name__Service } from './__name__.service.js';

/** What the chat receives when the flow completes. */
interface __Name__Completed {
  name: string;
}

/** Replies and handlers typed by __name__.flow.json: run `npm run flow:types` after changing it. */
const flow = typedFlow<__Name__FlowTypes, __Name__Completed>();

/** POST /flows/__name__. Screens and their data are declared in __name__.flow.json. */
@Flow('__name__', {
  tokens: 'any',
  flowJson: new URL('./__name__.flow.json', import.meta.url),
  // What Meta needs to create the flow (flowgate meta deploy __name__); the name at Meta defaults to '__name__'.
  meta: { categories: ['OTHER'] },
})
export class __Name__Flow {
  constructor(private readonly service: __Name__Service) {}

  @flow.screen('START')
  async start(@FlowData() data: StartDto, @CurrentSession() session: FlowSession, @FlowTransaction() db: EntityManager) {
    await session.set({ name: data.name });
    return flow.navigate('RESULT', { greeting: await this.service.greet(db, data.name, session.token) });
  }

  @flow.screen('RESULT')
  finish(@FlowData() _done: DoneDto, @CurrentSession() session: FlowSession) {
    return flow.complete({ name: String(session.state.name ?? '') });
  }
}
