// `npm run flow:simulate --`: kept as an alias of `flowgate flow simulate` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['flow', 'simulate'], program: 'npm run flow:simulate --' });
