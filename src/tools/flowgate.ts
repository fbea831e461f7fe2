// `flowgate <group> <command>`: the one command line (package.json "bin"; `npm run flowgate -- …`).
// The groups and their commands: src/tools/cli/commands.ts; one file per command in src/tools/commands/.
import { main } from './cli/runner.js';

main();
