// `npm run flows -- <command>`: keeps Meta's copy of each flow module in step with the repository
// through Meta's Flows API: list, deploy, publish, preview, status, metrics, doctor, deprecate, delete.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadEnvFile } from '../config/configuration.js';
import { ConfigValidationError } from '../config/validate-env.js';
import { CliError } from './keys/cli-error.js';
import { deploy } from './flows/deploy.js';
import { doctor } from './flows/doctor.js';
import { list, metrics, status } from './flows/inspect.js';
import { deprecate, publish, remove } from './flows/lifecycle.js';
import { EXIT, UnreachableError } from './flows/output.js';
import { preview } from './flows/preview.js';

const USAGE = `Usage: npm run flows -- <command> [options] [--json]

  list                                   Local flows beside Meta's: id, status, JSON version, endpoint, drift, errors, health
  deploy <flow>... | --all [--dry-run]   Check locally, create the draft, set endpoint_uri and categories, upload the JSON
         [--republish] [--yes]           (a published flow is edited only with --republish: uploaded, then published again)
  publish <flow> [--yes]                 Publish (final; refused while Meta reports validation errors)
  preview <flow> [--interactive] [--screen S] [--data JSON] [--token T] [--phone P] [--invalidate]
  status <flow>                          Status, validation errors, health, JSON version, endpoint, stored alerts
  metrics <flow> [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--granularity DAY|HOUR|LIFETIME]
  doctor [--url URL] [--ca FILE]         DNS, TLS chain, hostname, expiry, Meta's key, an encrypted ping to each flow
  deprecate <flow> [--yes]               A published flow can no longer be sent
  delete <flow> [--yes]                  Drafts only

Meta: WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_ACCESS_TOKEN, GRAPH_API_BASE_URL; PUBLIC_URL (endpoint of flow x: PUBLIC_URL/flows/x).
Exit codes: 0 done, 1 failed, 2 usage, 3 Meta or the endpoint could not be reached.`;

type Options = NonNullable<ParseArgsConfig['options']>;
const yes: Options = { yes: { type: 'boolean', short: 'y' } };

const COMMANDS: Record<string, { options: Options; positionals?: boolean; run: (values: any) => Promise<number> }> = {
  list: { options: {}, run: list },
  deploy: {
    options: { all: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, republish: { type: 'boolean' }, ...yes },
    positionals: true,
    run: deploy,
  },
  publish: { options: yes, positionals: true, run: publish },
  preview: {
    options: {
      interactive: { type: 'boolean' },
      screen: { type: 'string' },
      data: { type: 'string' },
      token: { type: 'string' },
      phone: { type: 'string' },
      invalidate: { type: 'boolean' },
    },
    positionals: true,
    run: preview,
  },
  status: { options: {}, positionals: true, run: status },
  metrics: { options: { since: { type: 'string' }, until: { type: 'string' }, granularity: { type: 'string' } }, positionals: true, run: metrics },
  doctor: { options: { url: { type: 'string' }, ca: { type: 'string' } }, run: doctor },
  deprecate: { options: yes, positionals: true, run: deprecate },
  delete: { options: yes, positionals: true, run: remove },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return EXIT.ok;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`${name ? `Unknown command "${name}"` : 'No command given'}\n\n${USAGE}`);
    return EXIT.usage;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: Boolean(command.positionals),
      strict: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  loadEnvFile();
  json = Boolean(parsed.values.json);
  return command.run({ ...parsed.values, positionals: parsed.positionals });
}

let json = false;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Expected failures are readable lines (one per missing setting); anything else is a bug: keep its stack.
    const expected = error instanceof CliError || error instanceof ConfigValidationError;
    if (!expected) console.error(error);
    else if (json) console.log(JSON.stringify({ ok: false, error: error.message }, null, 2));
    else for (const line of error.message.split('\n')) console.error(`✖ ${line}`);
    process.exit(error instanceof UnreachableError ? EXIT.unreachable : EXIT.failed);
  },
);
