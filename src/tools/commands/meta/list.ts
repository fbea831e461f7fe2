import { defineCommand } from '../../cli/command.js';
import { list } from '../../flows/inspect.js';

export default defineCommand({ run: ({ json }) => list({ json }) });
