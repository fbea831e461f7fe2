// `npm run flow:new --`: kept as an alias of `flowgate flow new` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['flow', 'new'], program: 'npm run flow:new --' });
