import { defineCommand } from '../../cli/command.js';
import { retire, type ServerOptions } from '../../keys/rotate.js';

export default defineCommand({
  options: { url: { type: 'string' }, force: { type: 'boolean', default: false } },
  json: false,
  run: ({ values }) => retire(values as ServerOptions),
});
