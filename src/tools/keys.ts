// `npm run keys --`: kept as an alias of `flowgate keys …` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['keys'], program: 'npm run keys --' });
