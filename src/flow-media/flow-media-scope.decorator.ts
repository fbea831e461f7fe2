import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FlowHandlerContext } from '../flows-core/index.js';
import type { MediaScope } from './flow-media.service.js';

/** The request's session, flow, screen and transaction, for FlowMedia's `keep` and `keepLater`. */
export const FlowMediaScope = createParamDecorator((_: unknown, ctx: ExecutionContext): MediaScope => {
  const context = ctx.getArgByIndex<FlowHandlerContext>(0);
  return {
    flow: context.flow,
    flowToken: context.session?.token ?? context.request.flow_token ?? '',
    screen: context.request.screen,
    manager: context.manager,
  };
});
