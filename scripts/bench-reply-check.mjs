// Micro-benchmark of the run-time reply check (FlowContract.violations: screen data against the
// Flow JSON), on the built dist/. Not a test: `node scripts/bench-reply-check.mjs`.
import { readFileSync } from 'node:fs';
import { FlowContract } from '../dist/src/flows-core/contract/flow-contract.js';
import { screenDataErrors } from '../dist/src/flows-core/contract/screen-data-validator.js';

const flowJson = JSON.parse(readFileSync('src/flows/inventory/inventory.flow.json', 'utf8'));
const contract = new FlowContract(flowJson);
const products = Array.from({ length: 10 }, (_, index) => ({ id: `PROD-${index}`, title: `Product ${index}`, description: '9.99 EUR' }));
const valid = { screen: 'RESULTS', data: { query: 'Wire', summary: 'Products 1 to 10', page: 0, next_page: 1, has_more: true, products } };
const invalid = {
  screen: 'RESULTS',
  data: { query: 'Wire', summary: 'Products', page: '0', has_more: true, products: [...products, { id: 1 }], extra: 1 },
};
const availability = {
  screen: 'AVAILABILITY',
  data: {
    product_id: 'PROD-99',
    product_name: 'Wireless Mouse',
    price: 24.99,
    price_label: '24.99 EUR',
    units_available: 5,
    warehouse: 'Local',
    in_stock: true,
    stock_summary: '5 units',
    warehouses: [{ id: 'LOCAL', title: 'Local (5)' }],
  },
};

function time(check) {
  for (let i = 0; i < 20_000; i++) check();
  const rounds = 200_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) check();
  return Number(process.hrtime.bigint() - start) / rounds / 1000;
}

// The whole reply check (size, screen, route, data), and the screen data check alone.
function measure(name, reply) {
  const whole = time(() => contract.violations('INVENTORY', reply));
  const data = time(() => screenDataErrors(flowJson, reply.screen, reply.data));
  const count = contract.violations('INVENTORY', reply).length;
  console.log(`${name.padEnd(20)} reply check ${whole.toFixed(2)} µs, screen data check ${data.toFixed(2)} µs  (${count} violations)`);
}

measure('RESULTS valid', valid);
measure('RESULTS invalid', invalid);
measure('AVAILABILITY valid', availability);
