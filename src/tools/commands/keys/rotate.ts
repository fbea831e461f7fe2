import { defineCommand } from '../../cli/command.js';
import { rotate, type ServerOptions } from '../../keys/rotate.js';
import { rotateTenant } from '../../keys/tenant-rotate.js';

export default defineCommand({
  options: { url: { type: 'string' }, force: { type: 'boolean', default: false }, tenant: { type: 'string' } },
  json: false,
  help: "--tenant NAME rotates that tenant's key in TENANTS_DIR/NAME/ (private.pem → previous.pem), uploads to each of its numbers, reloads it.",
  run: ({ values }) => (values.tenant ? rotateTenant(values.tenant, values as ServerOptions) : rotate(values as ServerOptions)),
});
