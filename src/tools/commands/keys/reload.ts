import { defineCommand } from '../../cli/command.js';
import { reload } from '../../keys/rotate.js';

export default defineCommand({ options: { url: { type: 'string' }, tenant: { type: 'string' } }, json: false, run: ({ values }) => reload(values) });
