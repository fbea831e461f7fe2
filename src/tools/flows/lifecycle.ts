import { sameFlowJson } from '../../meta-flows/deploy-plan.js';
import { readFlowJsonText } from '../../meta-flows/local-flows.js';
import { createContext, localFlow, printValidationErrors, requireRemoteFlow } from './context.js';
import { confirm, Output, step } from './output.js';

export interface LifecycleOptions {
  positionals: string[];
  yes?: boolean;
  json?: boolean;
  tenant?: string;
}

/** `publish`: refused while Meta reports validation errors or holds another JSON than the file. */
export async function publish(options: LifecycleOptions): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  if (remote.status === 'PUBLISHED') {
    output.ok(`${flow.name}: already published (id ${remote.id})`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  if (remote.status !== 'DRAFT') {
    output.fail(`${flow.name}: Meta's flow is ${remote.status}; only a DRAFT can be published`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  const errors = remote.validation_errors ?? [];
  if (errors.length) {
    printValidationErrors(output, flow, errors);
    output.fail(`${flow.name}: Meta reports ${errors.length} validation error${errors.length === 1 ? '' : 's'}; fix them, deploy, then publish`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status, validationErrors: errors });
  }
  const remoteJson = await step(`Downloading the Flow JSON of "${flow.metaName}"`, () => context.client.downloadJson(remote.id));
  if (!sameFlowJson(readFlowJsonText(flow), remoteJson)) {
    output.fail(`${flow.name}: Meta's Flow JSON is not ${flow.displayFile}; run npm run flows -- deploy ${flow.name} first`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  await confirm(`Publish "${flow.metaName}" (id ${remote.id}) to customers?`, Boolean(options.yes));
  await step(`Publishing "${flow.metaName}"`, () => context.client.publish(remote.id));
  const after = await step(`Reading "${flow.metaName}"`, () => context.client.get(remote.id));
  output.ok(`${flow.name}: published (id ${remote.id}, status ${after.status}); send it with POST /admin/flows/${flow.name}/send`);
  return output.finish({ flow: flow.name, id: remote.id, status: after.status });
}

/** `deprecate`: a published flow can no longer be sent (it cannot be deleted). */
export async function deprecate(options: LifecycleOptions): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  if (remote.status === 'DEPRECATED') {
    output.ok(`${flow.name}: already deprecated`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  if (remote.status === 'DRAFT') {
    output.fail(`${flow.name}: a DRAFT cannot be deprecated; delete it instead (npm run flows -- delete ${flow.name})`);
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  await confirm(`Deprecate "${flow.metaName}" (id ${remote.id})? It can no longer be sent to customers.`, Boolean(options.yes));
  await step(`Deprecating "${flow.metaName}"`, () => context.client.deprecate(remote.id));
  output.ok(`${flow.name}: deprecated (id ${remote.id}); to send it again, give the module a new meta.name and deploy`);
  return output.finish({ flow: flow.name, id: remote.id, status: 'DEPRECATED' });
}

/** `delete`: drafts only (Meta keeps published flows; deprecate them). */
export async function remove(options: LifecycleOptions): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const flow = localFlow(context, options.positionals[0]);
  const remote = await requireRemoteFlow(context, flow);
  if (remote.status !== 'DRAFT') {
    output.fail(
      `${flow.name}: only a DRAFT can be deleted; Meta's flow is ${remote.status}${remote.status === 'PUBLISHED' ? ` (deprecate it: npm run flows -- deprecate ${flow.name})` : ''}`,
    );
    return output.finish({ flow: flow.name, id: remote.id, status: remote.status });
  }
  await confirm(`Delete the draft "${flow.metaName}" (id ${remote.id})?`, Boolean(options.yes));
  await step(`Deleting "${flow.metaName}"`, () => context.client.delete(remote.id));
  output.ok(`${flow.name}: draft deleted at Meta (the module is unchanged)`);
  return output.finish({ flow: flow.name, id: remote.id, status: 'DELETED' });
}
