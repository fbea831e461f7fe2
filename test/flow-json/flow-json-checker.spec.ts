import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { checkFlowJson, FLOW_JSON_VERSIONS } from '../../src/flow-json/index.js';
import { checkFlowJsonFile } from '../../src/flow-json/files.js';

const corpus = new URL('../fixtures/flow-json/', import.meta.url);
const valid = readdirSync(new URL('valid/', corpus))
  .filter((name) => name.endsWith('.json'))
  .sort();
const broken = readdirSync(new URL('broken/', corpus))
  .filter((name) => name.endsWith('.json'))
  .sort();
const read = (path: string) => readFileSync(new URL(path, corpus), 'utf8');

/**
 * Every problem each broken fixture must produce, in order: fixture, JSON pointer, line, column,
 * the text found at that line and column (the offending key, or the `{` of an array item), and a
 * part of the message.
 */
const EXPECTED: Array<[string, string, number, number, string, string]> = [
  [
    'action-too-new',
    '/screens/1/layout/children/2/on-select-action/name',
    95,
    15,
    '"name"',
    'the update_data action needs Flow JSON 6.0 or later; this file is',
  ],
  ['array-without-items', '/screens/1/data/items/items', 51, 9, '"items"', '`items` is required on the declaration of data.items'],
  ['bad-screen-id', '/screens/0/id', 12, 7, '"id"', 'screen id "PRODUCT-1" must be letters and underscores only'],
  ['character-limit', '/screens/1/layout/children/2/label', 86, 13, '"label"', '`label` is 40 characters; TextInput allows at most 20: shorten it'],
  ['component-too-new', '/screens/0/layout/children/0/type', 19, 13, '"type"', 'NavigationList needs Flow JSON 6.2 or later; this file is version'],
  [
    'data-api-without-routing-model',
    '/data_api_version',
    3,
    3,
    '"data_api_version"',
    'a flow with a data endpoint (data_api_version) needs a routing_model:',
  ],
  [
    'data-declaration-invalid-schema',
    '/screens/1/data/stock',
    43,
    9,
    '"stock"',
    'data.stock is not a valid JSON Schema: schema is invalid: data/minimum must be number',
  ],
  [
    'data-exchange-without-data-api-version',
    '/screens/0/layout/children/1/on-click-action/name',
    28,
    15,
    '"name"',
    'data_exchange needs a data endpoint: add "data_api_version": "3.0" at',
  ],
  [
    'data-exchange-without-data-api-version',
    '/screens/1/layout/children/3/on-click-action/name',
    93,
    15,
    '"name"',
    'data_exchange needs a data endpoint: add "data_api_version": "3.0" at',
  ],
  [
    'data-exchange-without-data-api-version',
    '/screens/1/layout/children/3/on-click-action/name',
    93,
    15,
    '"name"',
    'the Footer of terminal screen AVAILABILITY must end the flow: use',
  ],
  [
    'data-reference-undeclared',
    '/screens/1/layout/children/1/text',
    81,
    13,
    '"text"',
    '`${data.stok}` is not declared by screen AVAILABILITY; declared:',
  ],
  ['data-type-unknown', '/screens/1/data/stock/type', 44, 11, '"type"', '`type` must be one of string, number, integer, boolean, object, array'],
  [
    'duplicate-component-name',
    '/screens/1/layout/children/3/name',
    92,
    13,
    '"name"',
    'name "quantity" is used twice on screen AVAILABILITY: names must be',
  ],
  ['duplicate-screen-id', '/screens/2/id', 104, 7, '"id"', 'screen id "AVAILABILITY" is used twice (also screens[1])'],
  [
    'enum-value',
    '/screens/1/layout/children/2/input-type',
    88,
    13,
    '"input-type"',
    '`input-type` must be one of text, number, email, password, passcode,',
  ],
  [
    'example-mismatch',
    '/screens/1/data/items/__example__/1/price',
    71,
    15,
    '"price"',
    '__example__ does not match the declaration of data.items: `[1].price`',
  ],
  [
    'form-reference-unknown',
    '/screens/1/layout/children/3/on-click-action/payload/quantity',
    96,
    17,
    '"quantity"',
    '`${form.qty}` names no input of screen AVAILABILITY; inputs: quantity',
  ],
  [
    'input-outside-form-before-4.0',
    '/screens/0/layout/children/0',
    11,
    11,
    '{',
    'before Flow JSON 4.0, TextInput must be inside a Form component: wrap',
  ],
  ['invalid-json', '', 41, 7, '"terminal"', 'not valid JSON: CommaExpected'],
  ['missing-example', '/screens/1/data/stock', 43, 9, '"stock"', 'data.stock needs an "__example__" value (it is what Flow Builder'],
  ['missing-required-property', '/screens/1/layout/children/3/label', 90, 11, '{', '`label` is required on Footer'],
  [
    'navigate-not-in-routing-model',
    '/screens/0/layout/children/1/on-click-action/next/name',
    33,
    17,
    '"name"',
    'routing_model does not allow PRODUCT → HELP: add "HELP" to',
  ],
  [
    'navigate-payload-undeclared',
    '/screens/0/layout/children/1/on-click-action/payload/mail',
    29,
    17,
    '"mail"',
    'navigate sends "mail", which screen LAST does not declare; declared:',
  ],
  ['navigate-unknown-screen', '/screens', 3, 3, '"screens"', 'no terminal screen can be reached from the entry screen FIRST'],
  [
    'navigate-unknown-screen',
    '/screens/0/layout/children/1/on-click-action/next/name',
    25,
    17,
    '"name"',
    'navigate to "LATS", which is not a screen; screens: FIRST, LAST',
  ],
  ['navigate-unknown-screen', '/screens/1/id', 36, 7, '"id"', 'screen LAST cannot be reached from the entry screen FIRST: add it to'],
  ['no-terminal-screen', '/screens', 3, 3, '"screens"', 'no screen is terminal: mark the screen that ends the flow with'],
  [
    'property-too-new',
    '/screens/1/layout/children/1/markdown',
    82,
    13,
    '"markdown"',
    'TextBody "markdown" needs Flow JSON 5.1 or later; this file is',
  ],
  ['range', '/screens/1/layout/children/3/max-uploaded-photos', 94, 13, '"max-uploaded-photos"', '`max-uploaded-photos` must be at most 30 (got 31)'],
  ['reserved-screen-id', '/screens/1/id', 36, 7, '"id"', 'SUCCESS is reserved (it completes the flow): rename this screen'],
  [
    'routing-model-unknown-screen',
    '/routing_model/PRODUCT/1',
    7,
    7,
    '"CHECKOUT"',
    'routing_model.PRODUCT: "CHECKOUT" is not a screen; screens: PRODUCT,',
  ],
  [
    'screen-reference-before-4.0',
    '/screens/1/layout/children/0/children/0/text',
    87,
    17,
    '"text"',
    '`${screen.PRODUCT.form.product_id}` (a reference to another screen)',
  ],
  [
    'screen-reference-unknown-field',
    '/screens/1/layout/children/0/text',
    77,
    13,
    '"text"',
    '`${screen.PRODUCT.form.sku}` names no input of screen PRODUCT;',
  ],
  [
    'screen-reference-unknown-screen',
    '/screens/1/layout/children/0/text',
    77,
    13,
    '"text"',
    '`${screen.PRODUKT.form.product_id}`: "PRODUKT" is not a screen;',
  ],
  [
    'terminal-footer-does-not-complete',
    '/screens/1/layout/children/1/on-click-action/name',
    56,
    15,
    '"name"',
    'the Footer of terminal screen LAST must end the flow: use "complete",',
  ],
  ['terminal-without-footer', '/screens/1/terminal', 38, 7, '"terminal"', 'terminal screen LAST needs a Footer whose on-click-action is'],
  ['too-many-footers', '/screens/1/layout/children/4', 100, 11, '{', 'screen AVAILABILITY has more than 1 Footer; a screen allows 1'],
  ['too-many-footers-with-if', '/screens/1/layout/children/4', 114, 11, '{', 'screen AVAILABILITY has more than 1 Footer; a screen allows 1'],
  [
    'too-many-options',
    '/screens/1/layout/children/2/data-source',
    87,
    13,
    '"data-source"',
    '`data-source` has 21 items; RadioButtonsGroup allows at most 20',
  ],
  ['unknown-component', '/screens/1/layout/children/2/type', 84, 13, '"type"', '"TextParagraph" is not a Flow JSON component; known: TextHeading,'],
  [
    'unknown-property',
    '/screens/1/layout/children/2/placeholder',
    89,
    13,
    '"placeholder"',
    '`placeholder` is not a property of TextInput; allowed: type, visible,',
  ],
  ['unknown-version', '/version', 2, 3, '"version"', '"8.0" is not a Flow JSON version; use one of 2.1, 3.0, 3.1, 4.0, 5.0,'],
  ['unreachable-screen', '/screens/2/id', 105, 7, '"id"', 'screen ORPHAN cannot be reached from the entry screen PRODUCT: add it'],
  [
    'update-data-undeclared',
    '/screens/1/layout/children/2/on-select-action/payload/stok',
    96,
    17,
    '"stok"',
    'update_data sets "stok", which screen AVAILABILITY does not declare;',
  ],
  [
    'wrong-property-type',
    '/screens/1/layout/children/2/required',
    87,
    13,
    '"required"',
    '`required` must be true, false or a `${data.x}` expression (got',
  ],
];

describe('Flow JSON checker: valid corpus', () => {
  it('has a fixture for every Flow JSON version', () => {
    const versions = new Set(valid.map((name) => (JSON.parse(read(`valid/${name}`)) as { version: string }).version));
    expect([...versions].sort()).toEqual([...FLOW_JSON_VERSIONS].sort());
  });

  it.each(valid)('accepts %s', (name) => {
    expect(checkFlowJson(read(`valid/${name}`))).toEqual([]);
  });

  it.each(['inventory', 'appointments'])('accepts the %s module', (module) => {
    expect(checkFlowJsonFile(`src/flows/${module}/${module}.flow.json`).problems).toEqual([]);
  });
});

describe('Flow JSON checker: one broken fixture per rule', () => {
  it('every broken fixture is in the table, and every table row has its fixture', () => {
    expect([...new Set(EXPECTED.map(([file]) => `${file}.json`))].sort()).toEqual(broken);
  });

  it.each([...new Set(EXPECTED.map(([file]) => file))])('%s', (file) => {
    const text = read(`broken/${file}.json`);
    const problems = checkFlowJson(text);
    const expected = EXPECTED.filter(([name]) => name === file);
    expect(problems.map(({ pointer, line, column }) => [pointer, line, column])).toEqual(
      expected.map(([, pointer, line, column]) => [pointer, line, column]),
    );
    const lines = text.split('\n');
    problems.forEach((problem, index) => {
      const [, , , , token, message] = expected[index];
      expect(problem.message).toContain(message);
      expect(lines[problem.line - 1].slice(problem.column - 1)).toMatch(new RegExp(`^${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    });
  });

  it('a file that cannot be read is one problem, not a crash', () => {
    expect(checkFlowJsonFile('does/not/exist.flow.json').problems).toEqual([
      { pointer: '', line: 1, column: 1, message: 'cannot read the file: ENOENT' },
    ]);
  });

  it('a JSON value that is not an object says what a Flow JSON looks like', () => {
    expect(checkFlowJson('[]')).toEqual([
      expect.objectContaining({ pointer: '', line: 1, column: 1, message: expect.stringContaining('not a JSON object') }),
    ]);
  });
});
