import { defineCommand } from '../../cli/command.js';
import { status } from '../../flows/inspect.js';

export default defineCommand({
  options: { tenant: { type: 'string' } },
  positionals: true,
  run: ({ values, positionals, json }) => status({ ...values, json, positionals }),
});
