// `npm run keys -- <command>`: the flow endpoint's RSA keys: generate a pair, upload the public key to
// Meta, check what Meta has, rotate without downtime and retire the old key.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadEnvFile } from '../config/configuration.js';
import { ConfigValidationError } from '../config/validate-env.js';
import { CliError } from './keys/cli-error.js';
import { generate, type GenerateOptions } from './keys/generate.js';
import { status, upload } from './keys/meta.js';
import { reload, retire, rotate, type ServerOptions } from './keys/rotate.js';

const USAGE = `Usage: npm run keys -- <command> [options]

  generate [--out config/keys] [--passphrase-env VAR] [--force]
      New RSA-2048 pair: <out>/private.pem (PKCS#8, mode 0600, aes-256-cbc with the passphrase
      in $VAR) and <out>/public.pem. Refuses to replace an existing private.pem without --force.
  upload [--public-key file]
      Upload a public key to Meta (default: the configured current private key's).
  status
      The key Meta has, its signature status, and whether it is the local current key (exit 1 if not).
  rotate [--url URL] [--force]
      New current key, the old one kept in FLOW_PREVIOUS_PRIVATE_KEY_FILE; upload; reload the server.
  retire [--url URL] [--force]
      Delete the previous key file and reload the server, once the old key's traffic is gone.
  reload [--url URL]
      Ask the server to re-read its key files.

Meta: WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID (GRAPH_API_BASE_URL). Server: ADMIN_TOKEN;
URL is --url, else FLOWGATE_URL, else http://localhost:$PORT (3000).`;

type Options = NonNullable<ParseArgsConfig['options']>;
const url: Options = { url: { type: 'string' } };
const force: Options = { force: { type: 'boolean', default: false } };

const COMMANDS: Record<string, { options: Options; run: (values: any) => number | Promise<number> }> = {
  generate: {
    options: { out: { type: 'string', default: 'config/keys' }, 'passphrase-env': { type: 'string' }, ...force },
    run: (values: GenerateOptions) => generate(values),
  },
  upload: { options: { 'public-key': { type: 'string' } }, run: upload },
  status: { options: {}, run: status },
  rotate: { options: { ...url, ...force }, run: (values: ServerOptions) => rotate(values) },
  retire: { options: { ...url, ...force }, run: (values: ServerOptions) => retire(values) },
  reload: { options: url, run: reload },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return 0;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`${name ? `Unknown command "${name}"` : 'No command given'}\n\n${USAGE}`);
    return 2;
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  loadEnvFile();
  return command.run(values);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Expected failures are one readable line; anything else keeps its stack for a bug report.
    if (error instanceof CliError || error instanceof ConfigValidationError) console.error(`✖ ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
