import { defineCommand } from '../../cli/command.js';
import { upload } from '../../keys/meta.js';

export default defineCommand({
  options: { 'public-key': { type: 'string' }, tenant: { type: 'string' } },
  help: "--tenant NAME uploads to each of the tenant's phone numbers (tenant.json) with its graph-token, one line per number.",
  run: ({ values, json }) => upload({ ...values, json }),
});
