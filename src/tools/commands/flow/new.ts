// Generates src/flows/<name>/ from the template files in src/tools/templates/ (module, flow class,
// service, DTOs, Flow JSON, e2e test, index.ts its public entry; with --table an entity, its
// migration and demo data too) and registers the module in src/flows/index.ts. The result builds,
// passes npm run lint, and its test passes.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFlowJsonProblem } from '../../../flow-json/index.js';
import { checkFlowJsonFile } from '../../../flow-json/files.js';
import { defineCommand } from '../../cli/command.js';
import { CliError, UsageError } from '../../cli/errors.js';
import { flowJsonImportFrom, generateFlowTypes, typesFileFor } from '../../flow-types-generator.js';

// Beside this file in src/ (tests) and in dist/ (nest-cli.json copies the templates as assets).
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TABLE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const pascal = (words: string[]) => words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
/** The row of a table: gift_card_orders → gift_card_order (a plural in -ies or -s loses it). */
const singular = (table: string) => table.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');

/** The words the templates use, for a flow name (and a table). */
export function templateWords(name: string, table: string | undefined, timestamp: number): Record<string, string> {
  const words = name.split('-');
  const row = table ? singular(table).split('_') : [];
  return {
    name,
    Name: pascal(words),
    Title: words.map((word) => word[0].toUpperCase() + word.slice(1)).join(' '),
    table: table ?? '',
    Entity: pascal(row),
    entity: row.join('-'),
    timestamp: String(timestamp),
  };
}

const fill = (text: string, words: Record<string, string>) =>
  text.replace(/__(name|Name|Title|table|Entity|entity|timestamp)__/g, (_, word: string) => words[word]);

/** Every template file under `dir`, as paths relative to it. */
function templateFiles(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(dir, join(under, entry.name)) : entry.name.endsWith('.tpl') ? [join(under, entry.name)] : [],
  );
}

/** The files of the new module: the plain templates, with the table's laid over them. */
export function renderFlowModule(words: Record<string, string>, withTable: boolean): Map<string, string> {
  const files = new Map<string, string>();
  for (const set of withTable ? ['flow', 'flow-table'] : ['flow']) {
    for (const file of templateFiles(join(TEMPLATES, set))) {
      files.set(fill(file.replace(/\.tpl$/, ''), words), fill(readFileSync(join(TEMPLATES, set, file), 'utf8'), words));
    }
  }
  return files;
}

/**
 * The file as the project's Prettier writes it: the templates are formatted for usual names, and a
 * long name or table can push a line past the print width. Prettier is a development dependency;
 * without it (or without the project's .prettierrc.json) the file is left as rendered.
 */
async function formatted(file: string, content: string): Promise<string> {
  const prettier = await import('prettier').catch(() => undefined);
  if (!prettier) return content;
  const options = await prettier.resolveConfig(file);
  // Without the project's configuration (run outside it), Prettier's defaults would restyle the file.
  return options ? prettier.format(content, { ...options, filepath: file }) : content;
}

/** Lists the module in src/flows/index.ts (import from its index.ts, one more entry in flowModules). */
function register(index: string, name: string, moduleClass: string): void {
  const source = readFileSync(index, 'utf8');
  const list = /export const flowModules = \[([^\]]*)\];/;
  if (!list.test(source)) throw new CliError(`Could not find "export const flowModules = [...]" in ${index}: add ${moduleClass} there.`);
  const updated = source
    .replace(list, (_, items: string) => {
      const names = [
        ...items
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
        moduleClass,
      ];
      return `export const flowModules = [${names.join(', ')}];`;
    })
    .replace(/^(\/\/[^\n]*\n)*/, (header) => `${header}import { ${moduleClass} } from './${name}/index.js';\n`);
  writeFileSync(index, updated);
}

export default defineCommand({
  options: { table: { type: 'string' } },
  positionals: true,
  json: false,
  env: false,
  help: `<name>: lowercase letters, digits and dashes, at most 40 characters (e.g. gift-cards).
--table <table>: snake_case (e.g. gift_card_orders): adds entities/<row>.entity.ts, migrations/<timestamp>-<Name>.ts
(collected through DatabaseModule.forFeature in the module) and <name>.demo-data.ts; the flow keeps each visit there.`,
  async run({ values, positionals }) {
    const name = positionals[0];
    const table = values.table as string | undefined;
    if (!name || !NAME.test(name) || name.length > 40) {
      throw new UsageError('A flow name is lowercase letters, digits and dashes (at most 40 characters), e.g. gift-cards');
    }
    if (table !== undefined && (!TABLE.test(table) || table.length > 63)) {
      throw new UsageError('--table is a snake_case table name (lowercase letters, digits and underscores, at most 63), e.g. gift_card_orders');
    }
    const dir = join('src', 'flows', name);
    const index = join('src', 'flows', 'index.ts');
    if (existsSync(dir)) throw new CliError(`${dir} already exists`);
    if (!existsSync(index)) throw new CliError(`${index} not found: run this from the project root`);

    const words = templateWords(name, table, Date.now());
    const files = renderFlowModule(words, table !== undefined);
    for (const [file, content] of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), await formatted(join(dir, file), content));
    }
    // The Flow JSON passes the checker, and its types file sits next to it (as flow types writes it).
    const flowJsonFile = join(dir, `${name}.flow.json`);
    const { problems } = checkFlowJsonFile(flowJsonFile);
    if (problems.length) throw new CliError(problems.map((problem) => formatFlowJsonProblem(flowJsonFile, problem)).join('\n'));
    writeFileSync(
      typesFileFor(flowJsonFile),
      generateFlowTypes(flowJsonFile, JSON.parse(files.get(`${name}.flow.json`)!), flowJsonImportFrom(flowJsonFile)),
    );
    const created = [...files.keys(), `${name}.flow-types.ts`].sort();
    register(index, name, `${words.Name}FlowModule`);
    writeFileSync(index, await formatted(index, readFileSync(index, 'utf8')));

    console.log(`✔ Created ${dir}/ and registered ${words.Name}FlowModule in ${index}:`);
    for (const file of created) console.log(`    ${relative('.', join(dir, file))}`);
    console.log(
      `✔ ${name}.flow.json passes npm run flow:lint; its types are in ${name}.flow-types.ts (npm run flow:types after editing the Flow JSON)`,
    );
    if (table) console.log(`✔ Table ${table}: its migration runs at the next start (embedded database or DATABASE_URL); its demo data with it`);
    const next: Array<[string, string]> = [
      [`npm test -- ${dir}`, 'its e2e test'],
      ['npm start', `serves POST /flows/${name}`],
      [`npm run flow:simulate -- ${name}`, 'walk it like a phone'],
      [`npm run flow:preview -- ${name}`, 'its screens in a browser phone'],
      [`npm run flows -- deploy ${name}`, 'create it on Meta with its Flow JSON and endpoint'],
    ];
    const width = Math.max(...next.map(([command]) => command.length));
    console.log(`\nNext:\n${next.map(([command, why]) => `  ${command.padEnd(width)}   # ${why}`).join('\n')}`);
    return 0;
  },
});
