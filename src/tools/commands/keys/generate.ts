import { defineCommand } from '../../cli/command.js';
import { generate, type GenerateOptions } from '../../keys/generate.js';

export default defineCommand({
  options: {
    out: { type: 'string' },
    'passphrase-env': { type: 'string' },
    force: { type: 'boolean', default: false },
    tenant: { type: 'string' },
  },
  json: false,
  help: `<out> (default config/keys)/private.pem is PKCS#8, mode 0600, encrypted (aes-256-cbc) with the passphrase in $VAR when --passphrase-env VAR is given.
--tenant NAME writes into TENANTS_DIR/NAME/ instead (the passphrase: $VAR, written to private.pem.passphrase, else that file's).
Refuses to replace an existing private.pem without --force.`,
  run: ({ values }) => generate(values as GenerateOptions),
});
