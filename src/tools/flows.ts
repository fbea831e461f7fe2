// `npm run flows --`: kept as an alias of `flowgate meta …` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['meta'], program: 'npm run flows --' });
