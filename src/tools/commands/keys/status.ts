import { defineCommand } from '../../cli/command.js';
import { status } from '../../keys/meta.js';

export default defineCommand({ json: false, run: () => status() });
