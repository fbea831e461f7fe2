import { defineCommand } from '../../cli/command.js';
import { status } from '../../keys/meta.js';

export default defineCommand({ options: { tenant: { type: 'string' } }, json: false, run: ({ values }) => status(values) });
