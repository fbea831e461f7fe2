import { defineCommand } from '../../cli/command.js';
import { generate, type GenerateOptions } from '../../keys/generate.js';

export default defineCommand({
  options: { out: { type: 'string', default: 'config/keys' }, 'passphrase-env': { type: 'string' }, force: { type: 'boolean', default: false } },
  json: false,
  help: `<out>/private.pem is PKCS#8, mode 0600, encrypted (aes-256-cbc) with the passphrase in $VAR when --passphrase-env VAR is given.
Refuses to replace an existing private.pem without --force.`,
  run: ({ values }) => generate(values as GenerateOptions),
});
