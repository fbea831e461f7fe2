// `flowgate db seed`: the seed program (dist/src/seed.js, `npm run db:seed`) with the arguments given.
// It runs as its own process because it starts the application's modules and owns its exit.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../../cli/command.js';

export default defineCommand({
  passThrough: true,
  env: false,
  help: "Applies the flow modules' demo data to the configured database (DATABASE_URL, else the embedded database), then exits.",
  run: ({ positionals }) =>
    new Promise<number>((done, fail) => {
      const child = spawn(process.execPath, [fileURLToPath(new URL('../../../seed.js', import.meta.url)), ...positionals], { stdio: 'inherit' });
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    }),
});
