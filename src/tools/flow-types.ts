// `npm run flow:types --`: kept as an alias of `flowgate flow types` (src/tools/cli/commands.ts), so what
// is documented keeps working. flowTypesFor is re-exported for the tests that check the committed types.
import { main } from './cli/runner.js';

export { flowTypesFor, type TypesResult } from './flow-types-generator.js';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!))
  main({ fixed: ['flow', 'types'], program: 'npm run flow:types --' });
