// Generates src/flows/<name>/ (module, flow class, service, Flow JSON, e2e test, index.ts its public
// entry) and registers the module in src/flows/index.ts. The result builds, passes the lint's
// boundaries, and its test passes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFlowJsonProblem } from '../../../flow-json/index.js';
import { checkFlowJsonFile } from '../../../flow-json/files.js';
import { defineCommand } from '../../cli/command.js';
import { CliError, UsageError } from '../../cli/errors.js';
import { flowJsonImportFrom, generateFlowTypes, typesFileFor } from '../../flow-types-generator.js';

export default defineCommand({
  positionals: true,
  json: false,
  env: false,
  run: ({ positionals }) => scaffold(positionals),
});

function scaffold(positionals: string[]): number {
  const name = positionals[0];
  if (!name || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new UsageError('A flow name is lowercase letters, digits and dashes (at most 40 characters), e.g. gift-cards');
  }

  const pascal = name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  const dir = join('src', 'flows', name);
  const index = join('src', 'flows', 'index.ts');

  if (existsSync(dir)) throw new CliError(`${dir} already exists`);
  if (!existsSync(index)) throw new CliError(`${index} not found: run this from the project root`);

  const files: Record<string, string> = {
    [`${name}.flow.json`]: `${JSON.stringify(
      {
        version: '7.3',
        data_api_version: '3.0',
        routing_model: { START: ['RESULT'], RESULT: [] },
        screens: [
          {
            id: 'START',
            title: pascal,
            data: {},
            layout: {
              type: 'SingleColumnLayout',
              children: [
                { type: 'TextInput', name: 'name', label: 'Your name', 'input-type': 'text', required: true },
                { type: 'Footer', label: 'Continue', 'on-click-action': { name: 'data_exchange', payload: { name: '${form.name}' } } },
              ],
            },
          },
          {
            id: 'RESULT',
            title: pascal,
            terminal: true,
            data: { greeting: { type: 'string', __example__: 'Hello, Maria!' } },
            layout: {
              type: 'SingleColumnLayout',
              children: [
                { type: 'TextBody', text: '${data.greeting}' },
                { type: 'Footer', label: 'Done', 'on-click-action': { name: 'data_exchange', payload: { done: true } } },
              ],
            },
          },
        ],
      },
      null,
      2,
    )}\n`,

    [`${name}.service.ts`]: `import { Injectable } from '@nestjs/common';

/**
 * The business logic of the ${name} flow. Inject the ReadThroughCache here; queries take the
 * request's EntityManager (\`@FlowTransaction()\` in the controller) so they commit with the request.
 */
@Injectable()
export class ${pascal}Service {
  greet(name: string): string {
    return \`Hello, \${name}!\`;
  }
}
`,

    [`dto/start.dto.ts`]: `import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

/** What the START screen sends. The messages are shown to the user. */
export class StartDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Please enter your name' })
  @Length(1, 80, { message: 'Please enter your name (up to 80 characters)' })
  name: string;
}
`,

    [`dto/done.dto.ts`]: `import { IsBoolean } from 'class-validator';

/** What the RESULT screen sends. */
export class DoneDto {
  @IsBoolean()
  done: boolean;
}
`,

    [`${name}.flow.ts`]: `import { CurrentSession, Flow, FlowData, typedFlow, type FlowSession } from '../../flows-core/index.js';
import { DoneDto } from './dto/done.dto.js';
import { StartDto } from './dto/start.dto.js';
import type { ${pascal}FlowTypes } from './${name}.flow-types.js';
import { ${pascal}Service } from './${name}.service.js';

/** What the chat receives when the flow completes. */
interface ${pascal}Completed {
  name: string;
}

/** Replies and handlers typed by ${name}.flow.json: run \`npm run flow:types\` after changing it. */
const flow = typedFlow<${pascal}FlowTypes, ${pascal}Completed>();

/** POST /flows/${name}. Screens and their data are declared in ${name}.flow.json. */
@Flow('${name}', {
  tokens: 'any',
  flowJson: new URL('./${name}.flow.json', import.meta.url),
  // What Meta needs to create the flow (npm run flows -- deploy ${name}); the name at Meta defaults to '${name}'.
  meta: { categories: ['OTHER'] },
})
export class ${pascal}Flow {
  constructor(private readonly service: ${pascal}Service) {}

  @flow.screen('START')
  async start(@FlowData() data: StartDto, @CurrentSession() session: FlowSession) {
    await session.set({ name: data.name });
    return flow.navigate('RESULT', { greeting: this.service.greet(data.name) });
  }

  @flow.screen('RESULT')
  finish(@FlowData() _done: DoneDto, @CurrentSession() session: FlowSession) {
    return flow.complete({ name: String(session.state.name ?? '') });
  }
}
`,

    [`${name}.module.ts`]: `import { Module } from '@nestjs/common';
import { ${pascal}Flow } from './${name}.flow.js';
import { ${pascal}Service } from './${name}.service.js';

/** The ${name} flow: POST /flows/${name}. */
@Module({
  providers: [${pascal}Flow, ${pascal}Service],
})
export class ${pascal}FlowModule {}
`,

    [`index.ts`]: `// The ${name} flow's public entry: src/flows/index.ts lists its module from here, and another flow may
// import only what this file exports (a service it declares as its dependency), never the folder's other files.
export { ${pascal}FlowModule } from './${name}.module.js';
`,

    [`${name}.e2e-spec.ts`]: `import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFlowJson } from '../../flow-json/files.js';
import { contractErrors } from '../../../test/kit/flow-contract.js';
import { startTestApp, type TestApp } from '../../../test/support/test-app.js';

const flowJson = readFlowJson(new URL('./${name}.flow.json', import.meta.url));

describe('${name} flow', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => test?.close());

  it('greets the user, then completes with their name', async () => {
    const greeting = await test.client.dataExchange('${name}', 'token-1', 'START', { name: 'Maria' });
    expect(contractErrors(flowJson, greeting)).toEqual([]);
    expect(greeting.json).toEqual({ screen: 'RESULT', data: { greeting: 'Hello, Maria!' } });

    const done = await test.client.dataExchange('${name}', 'token-1', 'RESULT', { done: true });
    expect(contractErrors(flowJson, done)).toEqual([]);
    expect(done.json.data.extension_message_response.params).toEqual({ name: 'Maria', flow_token: 'token-1' });
  });

  it('an empty name stays on START with a readable error', async () => {
    const reply = await test.client.dataExchange('${name}', 'token-2', 'START', { name: '' });
    expect(reply.json).toEqual({ screen: 'START', data: { error_message: 'Please enter your name (up to 80 characters)' } });
  });
});
`,
  };

  mkdirSync(join(dir, 'dto'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);

  // The Flow JSON passes the checker, and its types file sits next to it (as npm run flow:types writes it).
  const flowJsonFile = join(dir, `${name}.flow.json`);
  const { problems } = checkFlowJsonFile(flowJsonFile);
  if (problems.length) throw new CliError(problems.map((problem) => formatFlowJsonProblem(flowJsonFile, problem)).join('\n'));
  const typesFile = typesFileFor(flowJsonFile);
  writeFileSync(typesFile, generateFlowTypes(flowJsonFile, JSON.parse(files[`${name}.flow.json`]), flowJsonImportFrom(flowJsonFile)));
  const created = [...Object.keys(files), `${name}.flow-types.ts`];

  // Register the module in src/flows/index.ts.
  const source = readFileSync(index, 'utf8');
  const list = /export const flowModules = \[([^\]]*)\];/;
  if (!list.test(source)) {
    throw new CliError(`Created ${dir}, but could not find "export const flowModules = [...]" in ${index}: add ${pascal}FlowModule there.`);
  }
  const updated = source
    .replace(
      list,
      (_, items: string) =>
        `export const flowModules = [${[
          ...items
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean),
          `${pascal}FlowModule`,
        ].join(', ')}];`,
    )
    .replace(/^(\/\/[^\n]*\n)*/, (header) => `${header}import { ${pascal}FlowModule } from './${name}/index.js';\n`);
  writeFileSync(index, updated);

  console.log(`Created ${dir}/ and registered ${pascal}FlowModule in ${index}:
  ${created.map((file) => join(dir, file)).join('\n  ')}

✔ ${name}.flow.json passes npm run flow:lint; its types are in ${name}.flow-types.ts (npm run flow:types after editing the Flow JSON)

Next:
  npm test -- ${dir}                 # its e2e test
  npm start                          # serves POST /flows/${name}
  npm run flow:simulate -- ${name}   # walk it like a phone
  npm run flows -- deploy ${name}    # create it on Meta with its Flow JSON and endpoint (README: Ship a flow)`);
  return 0;
}
