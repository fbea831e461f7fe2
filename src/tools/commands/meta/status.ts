import { defineCommand } from '../../cli/command.js';
import { status } from '../../flows/inspect.js';

export default defineCommand({ positionals: true, run: ({ positionals, json }) => status({ json, positionals }) });
