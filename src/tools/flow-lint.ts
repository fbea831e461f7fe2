// `npm run flow:lint --`: kept as an alias of `flowgate flow lint` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['flow', 'lint'], program: 'npm run flow:lint --' });
