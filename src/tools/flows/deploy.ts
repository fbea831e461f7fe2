import { checkFlowJson } from '../../meta-flows/local-checks.js';
import { planDeploy, type DeployAction, type DeployPlan } from '../../meta-flows/deploy-plan.js';
import { readFlowJsonText, type LocalFlow } from '../../meta-flows/local-flows.js';
import { CliError } from '../keys/cli-error.js';
import { createContext, printValidationErrors, type Context } from './context.js';
import { confirm, Output, step } from './output.js';

export interface DeployOptions {
  positionals: string[];
  all?: boolean;
  'dry-run'?: boolean;
  republish?: boolean;
  yes?: boolean;
  json?: boolean;
  tenant?: string;
}

function describe(action: DeployAction): string {
  switch (action.kind) {
    case 'create':
      return `create draft "${action.name}" (${action.categories.join(',')}, endpoint ${action.endpointUri})`;
    case 'update-metadata':
      return `set ${Object.keys(action.changes)
        .map((key) => (key === 'endpointUri' ? 'endpoint_uri' : key))
        .join(' and ')}`;
    case 'upload-json':
      return 'upload the Flow JSON';
    case 'publish':
      return 'publish again';
  }
}

/** The targets, each with its Flow JSON read and checked locally. Any problem: nothing is uploaded. */
function checkedTargets(context: Context, options: DeployOptions, output: Output) {
  if (!options.all && options.positionals.length === 0) throw new CliError('Name the flows to deploy, or pass --all');
  const names = options.all ? context.locals.map((flow) => flow.name) : options.positionals;
  const targets: Array<{ flow: LocalFlow & { categories: string[] }; json: string }> = [];
  for (const name of names) {
    const flow = context.locals.find((candidate) => candidate.name === name);
    if (!flow) {
      output.fail(`${name}: no flow module of that name (local flows: ${context.locals.map((f) => f.name).join(', ')})`);
      continue;
    }
    if (!flow.categories?.length) {
      output.fail(`${name}: its @Flow has no meta option; add meta: { categories: ['OTHER'] } (the categories Meta files it under)`);
      continue;
    }
    const json = readFlowJsonText(flow);
    const problems = checkFlowJson(json);
    if (problems.length) {
      for (const problem of problems) output.printError(`${flow.displayFile}:${problem.line}:${problem.column}  ${problem.message}`);
      output.fail(`${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${flow.displayFile}`);
      continue;
    }
    output.ok(`${name}: ${flow.displayFile} passes the local checks`);
    targets.push({ flow: flow as LocalFlow & { categories: string[] }, json });
  }
  return targets;
}

/** `deploy`: create, update and upload what differs, nothing else; --dry-run only prints the plan. */
export async function deploy(options: DeployOptions): Promise<number> {
  const output = new Output(Boolean(options.json));
  const context = createContext(options.tenant);
  const targets = checkedTargets(context, options, output);
  if (output.failed) {
    output.fail('Nothing was uploaded: fix the problems above and run deploy again');
    return output.finish();
  }
  const remote = await step('Listing the flows on Meta', () => context.client.list());
  const plans: Array<DeployPlan & { id?: string; status?: string }> = [];
  for (const { flow, json } of targets) {
    const summary = remote.find((candidate) => candidate.name === flow.metaName);
    const details = summary ? await step(`Reading "${flow.metaName}"`, () => context.client.get(summary.id)) : undefined;
    const remoteJson = details
      ? await step(`Downloading the Flow JSON of "${flow.metaName}"`, () => context.client.downloadJson(details.id))
      : undefined;
    const plan = planDeploy({
      local: flow,
      localJson: json,
      endpointUri: context.endpointUri(flow.name),
      remote: details,
      remoteJson,
      republish: options.republish,
    });
    plans.push({ ...plan, id: details?.id, status: details?.status });

    if (plan.verdict === 'up-to-date') {
      const errors = details!.validation_errors ?? [];
      if (errors.length) {
        printValidationErrors(output, flow, errors);
        output.fail(
          `${flow.name}: up to date, but Meta reports ${errors.length} validation error${errors.length === 1 ? '' : 's'} in ${flow.displayFile}; fix them and deploy again`,
        );
      } else output.ok(`${flow.name}: up to date (${details!.status}, id ${details!.id})`);
      continue;
    }
    if (plan.verdict === 'blocked') {
      output.fail(`${flow.name}: ${plan.differences.join('; ')}. ${plan.blocked}`);
      continue;
    }
    if (options['dry-run']) {
      output.info(`${flow.name}: ${plan.differences.join('; ')}; would ${plan.actions.map(describe).join(', then ')}`);
      continue;
    }
    await apply(context, output, flow, json, plan, details?.id, Boolean(options.yes));
  }
  if (options['dry-run']) output.info('Dry run: nothing was written to Meta');
  return output.finish({ plans, writes: context.client.writes });
}

async function apply(
  context: Context,
  output: Output,
  flow: LocalFlow,
  json: string,
  plan: DeployPlan,
  existingId: string | undefined,
  yes: boolean,
) {
  if (plan.actions.some((action) => action.kind === 'publish')) {
    await confirm(`"${flow.metaName}" is published: deploying ${flow.name} edits it and publishes it again.`, yes);
  }
  let id = existingId;
  for (const action of plan.actions) {
    if (action.kind === 'create') {
      ({ id } = await step(`Creating "${action.name}"`, () => context.client.create(action)));
      output.ok(`${flow.name}: created draft "${action.name}" (id ${id})`);
    } else if (action.kind === 'update-metadata') {
      await step(`Updating "${flow.metaName}"`, () => context.client.updateMetadata(id!, action.changes));
      output.ok(`${flow.name}: ${describe(action)} (${plan.differences.filter((d) => !d.includes('Flow JSON')).join('; ')})`);
    } else if (action.kind === 'upload-json') {
      const { validationErrors } = await step(`Uploading the Flow JSON of "${flow.metaName}"`, () => context.client.uploadJson(id!, json));
      if (validationErrors.length) {
        printValidationErrors(output, flow, validationErrors);
        const republishing = plan.actions.some((next) => next.kind === 'publish');
        output.fail(
          `${flow.name}: Meta found ${validationErrors.length} validation error${validationErrors.length === 1 ? '' : 's'} in ${flow.displayFile}` +
            (republishing
              ? ': the flow is now DRAFT at Meta and customers cannot receive it until the errors are fixed, deployed and published'
              : '') +
            '. Fix them and run deploy again',
        );
        return;
      }
      output.ok(`${flow.name}: uploaded ${flow.displayFile}, no validation errors`);
    } else if (action.kind === 'publish') {
      await step(`Publishing "${flow.metaName}"`, () => context.client.publish(id!));
      output.ok(`${flow.name}: published again (id ${id}); customers get the new version`);
      return;
    }
  }
  output.info(`${flow.name}: the draft is ready; try it with npm run flows -- preview ${flow.name}, then npm run flows -- publish ${flow.name}`);
}
