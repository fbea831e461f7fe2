import { defineCommand } from '../../cli/command.js';
import { retire, type ServerOptions } from '../../keys/rotate.js';
import { retireTenant } from '../../keys/tenant-rotate.js';

export default defineCommand({
  options: { url: { type: 'string' }, force: { type: 'boolean', default: false }, tenant: { type: 'string' } },
  json: false,
  run: ({ values }) => (values.tenant ? retireTenant(values.tenant, values as ServerOptions) : retire(values as ServerOptions)),
});
