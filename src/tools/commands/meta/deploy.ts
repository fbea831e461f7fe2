import { defineCommand } from '../../cli/command.js';
import { deploy } from '../../flows/deploy.js';

export default defineCommand({
  options: {
    tenant: { type: 'string' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    republish: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  },
  positionals: true,
  help: 'A published flow is edited only with --republish: uploaded, then published again (asks first, or --yes).',
  run: ({ values, positionals, json }) => deploy({ ...values, json, positionals }),
});
