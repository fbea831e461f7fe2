import { defineCommand } from '../../cli/command.js';
import { doctor } from '../../flows/doctor.js';

export default defineCommand({
  options: { url: { type: 'string' }, ca: { type: 'string' }, tenant: { type: 'string' } },
  help:
    '--url: the public address to check (default PUBLIC_URL); --ca FILE (or NODE_EXTRA_CA_CERTS) trusts a private CA; ' +
    "--tenant NAME: the tenant's endpoints (/flows/NAME/x), key, app secret and numbers.",
  run: ({ values, json }) => doctor({ ...values, json }),
});
