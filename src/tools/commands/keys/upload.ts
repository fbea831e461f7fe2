import { defineCommand } from '../../cli/command.js';
import { upload } from '../../keys/meta.js';

export default defineCommand({ options: { 'public-key': { type: 'string' } }, json: false, run: ({ values }) => upload(values) });
