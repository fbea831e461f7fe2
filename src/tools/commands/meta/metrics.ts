import { defineCommand } from '../../cli/command.js';
import { metrics } from '../../flows/inspect.js';

export default defineCommand({
  options: { tenant: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, granularity: { type: 'string' } },
  positionals: true,
  run: ({ values, positionals, json }) => metrics({ ...values, json, positionals }),
});
