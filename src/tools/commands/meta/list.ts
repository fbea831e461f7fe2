import { defineCommand } from '../../cli/command.js';
import { list } from '../../flows/inspect.js';

export default defineCommand({ options: { tenant: { type: 'string' } }, run: ({ values, json }) => list({ ...values, json }) });
