import { defineCommand } from '../../cli/command.js';
import { deprecate } from '../../flows/lifecycle.js';

export default defineCommand({
  options: { tenant: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  positionals: true,
  run: ({ values, positionals, json }) => deprecate({ ...values, json, positionals }),
});
