// `npm run flow:preview --`: kept as an alias of `flowgate flow preview` (src/tools/cli/commands.ts), so what is documented keeps working.
import { main } from './cli/runner.js';

main({ fixed: ['flow', 'preview'], program: 'npm run flow:preview --' });
