import { defineCommand } from '../../cli/command.js';
import { rotate, type ServerOptions } from '../../keys/rotate.js';

export default defineCommand({
  options: { url: { type: 'string' }, force: { type: 'boolean', default: false } },
  json: false,
  run: ({ values }) => rotate(values as ServerOptions),
});
