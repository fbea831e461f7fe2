import { defineCommand } from '../../cli/command.js';
import { preview } from '../../flows/preview.js';

export default defineCommand({
  options: {
    tenant: { type: 'string' },
    interactive: { type: 'boolean' },
    screen: { type: 'string' },
    data: { type: 'string' },
    token: { type: 'string' },
    phone: { type: 'string' },
    invalidate: { type: 'boolean' },
  },
  positionals: true,
  help: `--interactive makes Meta's preview call the endpoint (data_exchange, or navigate to --screen with --data).
Token: --token, else a fresh one (flows with tokens: 'any'), else one issued as the server does (needs DATABASE_URL).`,
  run: ({ values, positionals, json }) => preview({ ...values, json, positionals }),
});
