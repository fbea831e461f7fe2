import { defineCommand } from '../../cli/command.js';
import { publish } from '../../flows/lifecycle.js';

export default defineCommand({
  options: { tenant: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  positionals: true,
  run: ({ values, positionals, json }) => publish({ ...values, json, positionals }),
});
