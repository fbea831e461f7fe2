import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { checkFlowJson, FLOW_JSON_VERSIONS, formatFlowJsonProblem, type FlowJsonProblem } from '../../src/flow-json/index.js';
import { checkFlowJsonFile } from '../../src/flow-json/files.js';

const corpus = new URL('../fixtures/flow-json/', import.meta.url);
const fixtures = (dir: string) =>
  readdirSync(new URL(`${dir}/`, corpus))
    .filter((name) => name.endsWith('.json'))
    .sort();
const valid = fixtures('valid');
const broken = fixtures('broken');
const warnings = fixtures('warnings');
const read = (path: string) => readFileSync(new URL(path, corpus), 'utf8');
const errorsOf = (problems: FlowJsonProblem[]) => problems.filter((problem) => problem.severity === 'error');

type Row = [file: string, severity: 'error' | 'warning', pointer: string, line: number, column: number, token: string, message: string];

/**
 * Every finding of a fixture, in order: fixture, severity, JSON pointer, line, column, the text found
 * at that line and column (the offending key, or the `{` of an array item), and a part of the message.
 */
function expectFindings(dir: string, file: string, table: Row[]) {
  const text = read(`${dir}/${file}.json`);
  const problems = checkFlowJson(text);
  const expected = table.filter(([name]) => name === file);
  expect(problems.map(({ severity, pointer, line, column }) => [severity, pointer, line, column])).toEqual(
    expected.map(([, severity, pointer, line, column]) => [severity, pointer, line, column]),
  );
  const lines = text.split('\n');
  problems.forEach((problem, index) => {
    const [, , , , , token, message] = expected[index];
    expect(problem.message).toContain(message);
    expect(lines[problem.line - 1].slice(problem.column - 1)).toMatch(new RegExp(`^${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
}

/** Warnings of the valid corpus: flows Meta accepts, some in versions it no longer publishes. */
const VALID: Row[] = [
  ['book-appointment-3.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 3.1 can no longer be published (Meta's changelog: 5.1 and"],
  ['insurance-claim-4.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 4.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'insurance-claim-4.0',
    'warning',
    '/screens/2/layout/children/2/on-click-action/payload/photos',
    142,
    17,
    '"photos"',
    "Meta's error codes want max-uploaded-photos at most 1 (default 30) for",
  ],
  [
    'insurance-claim-4.0',
    'warning',
    '/screens/2/layout/children/2/on-click-action/payload/receipts',
    143,
    17,
    '"receipts"',
    "Meta's error codes allow one PhotoPicker or DocumentPicker value per",
  ],
  ['insurance-quote-2.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'registration-error-messages-2.1',
    'warning',
    '/version',
    2,
    3,
    '"version"',
    "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and",
  ],
  ['sign-in-5.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 5.0 can no longer be published (Meta's changelog: 5.1 and"],
  ['sign-in-endpoint-2.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'sign-in-endpoint-2.1',
    'warning',
    '/screens/0/layout/children/0/children/2/text',
    42,
    17,
    '"text"',
    "`text` is 29 characters; Meta's components reference says 25 for",
  ],
  ['sign-up-2.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
  ['support-request-2.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
  ['survey-3.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 3.0 can no longer be published (Meta's changelog: 5.1 and"],
  ['table-booking-2.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
];

/**
 * Flow JSONs another Flows library ships as examples (versions 2.1 to 7.1), which the checker used to
 * refuse though Meta accepts them: each fixture is written in the same shape.
 */
const ACCEPTED: Array<[file: string, what: string]> = [
  ['sign-in-endpoint-2.1', 'data_channel_uri in a 2.1 flow (Flow JSON before 3.0), an EmbeddedLink of 29 characters'],
  ['registration-error-messages-2.1', 'a Form whose error-messages is a ${data…} string'],
  ['table-booking-2.1', 'data_channel_uri with dynamic dropdowns and dates'],
  ['insurance-quote-2.1', 'data_channel_uri, a Form whose init-values is a ${data…} string'],
  ['support-request-2.1', 'an empty helper-text (refused from 6.0 only)'],
  ['markdown-lines-5.1', 'TextBody, TextCaption and RichText text as arrays of lines'],
  ['totals-expressions-6.0', 'TextBody text as lines of nested expressions, without markdown'],
  ['chips-unselect-7.1', 'ChipsSelector with on-unselect-action, inside an If'],
  ['warranty-photo-7.3', 'a PhotoPicker label of 46 characters (up to 80)'],
];

/** One fixture per rule Meta states without doubt: each has at least one error. */
const BROKEN: Row[] = [
  [
    'action-too-new',
    'error',
    '/screens/1/layout/children/2/on-select-action/name',
    95,
    15,
    '"name"',
    'the update_data action needs Flow JSON 6.0 or later; this file is',
  ],
  ['array-without-items', 'error', '/screens/1/data/items/items', 51, 9, '"items"', '`items` is required on the declaration of data.items'],
  ['bad-screen-id', 'error', '/screens/0/id', 12, 7, '"id"', 'screen id "PRODUCT-1" must be letters and underscores only'],
  [
    'character-limit',
    'error',
    '/screens/1/layout/children/2/label',
    86,
    13,
    '"label"',
    '`label` is 40 characters; TextInput allows at most 20: shorten it (or,',
  ],
  ['checkbox-label-from-4.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 4.0 can no longer be published (Meta's changelog: 5.1 and"],
  ['checkbox-label-from-4.0', 'error', '/screens/0/layout/children/0/label', 12, 11, '{', '`label` is required on CheckboxGroup from Flow JSON 4.0'],
  [
    'chips-in-if-before-7.1',
    'error',
    '/screens/0/layout/children/1/then/0/type',
    22,
    17,
    '"type"',
    'ChipsSelector inside If needs Flow JSON 7.1 or later; this file is',
  ],
  [
    'complete-outside-footer',
    'error',
    '/screens/0/layout/children/0/on-click-action/name',
    16,
    15,
    '"name"',
    'the complete action belongs on a Footer only, not on EmbeddedLink',
  ],
  [
    'component-too-new',
    'error',
    '/screens/0/layout/children/0/type',
    19,
    13,
    '"type"',
    'NavigationList needs Flow JSON 6.2 or later; this file is version 6.0:',
  ],
  [
    'data-api-4.0-before-7.3',
    'error',
    '/data_api_version',
    3,
    3,
    '"data_api_version"',
    'data_api_version "4.0" needs Flow JSON 7.3 or later (this file is 7.2):',
  ],
  [
    'data-api-without-routing-model',
    'error',
    '/data_api_version',
    3,
    3,
    '"data_api_version"',
    'a flow with a data endpoint (data_api_version) needs a routing_model:',
  ],
  ['data-channel-uri-from-3.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 3.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'data-channel-uri-from-3.0',
    'error',
    '/data_channel_uri',
    4,
    3,
    '"data_channel_uri"',
    '`data_channel_uri` is not Flow JSON from version 3.0: the endpoint URL',
  ],
  ['data-channel-uri-not-a-uri', 'warning', '/version', 2, 3, '"version"', "Flow JSON 2.1 can no longer be published (Meta's changelog: 5.1 and"],
  ['data-channel-uri-not-a-uri', 'error', '/data_channel_uri', 4, 3, '"data_channel_uri"', '`data_channel_uri` must be a URI, e.g.'],
  [
    'data-declaration-invalid-schema',
    'error',
    '/screens/1/data/stock',
    43,
    9,
    '"stock"',
    'data.stock is not a valid JSON Schema: schema is invalid: data/minimum',
  ],
  [
    'data-exchange-without-data-api-version',
    'error',
    '/screens/0/layout/children/1/on-click-action/name',
    28,
    15,
    '"name"',
    'data_exchange needs a data endpoint: add "data_api_version": "3.0" at',
  ],
  [
    'data-exchange-without-data-api-version',
    'error',
    '/screens/1/layout/children/3/on-click-action/name',
    93,
    15,
    '"name"',
    'data_exchange needs a data endpoint: add "data_api_version": "3.0" at',
  ],
  [
    'data-reference-undeclared',
    'error',
    '/screens/1/layout/children/1/text',
    81,
    13,
    '"text"',
    '`${data.stok}` is not declared by screen AVAILABILITY; declared: stock,',
  ],
  [
    'data-type-unknown',
    'error',
    '/screens/1/data/stock/type',
    44,
    11,
    '"type"',
    '`type` must be one of string, number, integer, boolean, object, array',
  ],
  [
    'duplicate-component-name',
    'error',
    '/screens/1/layout/children/3/name',
    92,
    13,
    '"name"',
    'name "quantity" is used twice on screen AVAILABILITY: names must be',
  ],
  ['duplicate-screen-id', 'error', '/screens/2/id', 104, 7, '"id"', 'screen id "AVAILABILITY" is used twice (also screens[1])'],
  [
    'empty-string-from-6.0',
    'error',
    '/screens/0/layout/children/0/helper-text',
    17,
    13,
    '"helper-text"',
    "`helper-text` must not be empty or blank from Flow JSON 6.0 (Meta's",
  ],
  [
    'enum-value',
    'error',
    '/screens/1/layout/children/2/input-type',
    88,
    13,
    '"input-type"',
    '`input-type` must be one of text, number, email, password, passcode,',
  ],
  [
    'example-inside-declaration',
    'error',
    '/screens/0/data/total/properties/amount/__example__',
    14,
    15,
    '"__example__"',
    '__example__ belongs at the top of data.total only, not inside it',
  ],
  [
    'example-mismatch',
    'error',
    '/screens/1/data/items/__example__/1/price',
    71,
    15,
    '"price"',
    '__example__ does not match the declaration of data.items: `[1].price`',
  ],
  [
    'footer-caption-without-pair',
    'error',
    '/screens/0/layout/children/0/left-caption',
    19,
    13,
    '"left-caption"',
    'a Footer with `left-caption` needs `right-caption` too (or use',
  ],
  [
    'footer-center-and-side-captions',
    'error',
    '/screens/0/layout/children/0/center-caption',
    21,
    13,
    '"center-caption"',
    'a Footer takes either `center-caption` or `left-caption` with',
  ],
  [
    'footer-in-nested-if',
    'error',
    '/screens/0/layout/children/2/then/0/type',
    27,
    17,
    '"type"',
    'a Footer may sit in an If only at the first level, not in a nested If',
  ],
  [
    'form-reference-unknown',
    'error',
    '/screens/1/layout/children/3/on-click-action/payload/quantity',
    96,
    17,
    '"quantity"',
    '`${form.qty}` names no input of screen AVAILABILITY; inputs: quantity',
  ],
  [
    'if-footer-in-one-branch',
    'error',
    '/screens/0/layout/children/1/else',
    30,
    13,
    '"else"',
    'a Footer in one branch of an If must be in the other too',
  ],
  [
    'if-footer-without-else',
    'error',
    '/screens/0/layout/children/1/then',
    20,
    13,
    '"then"',
    'this If has a Footer in `then` and no `else`: add an `else` with a',
  ],
  [
    'if-nested-too-deep',
    'error',
    '/screens/0/layout/children/1/then/0/then/0/then/0/type',
    30,
    25,
    '"type"',
    'If components nest at most 3 deep; this one is the 4th',
  ],
  ['if-then-empty', 'error', '/screens/0/layout/children/1/then', 20, 13, '"then"', '`then` has 0 items; If allows at least 1'],
  ['image-carousels-per-flow', 'error', '/screens/1/layout/children/1', 61, 11, '{', 'the flow has more than 3 ImageCarousels; a flow allows 3'],
  ['input-outside-form-before-4.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 3.1 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'input-outside-form-before-4.0',
    'error',
    '/screens/0/layout/children/0',
    11,
    11,
    '{',
    'before Flow JSON 4.0, TextInput must be inside a Form component: wrap',
  ],
  [
    'input-outside-form-beside-form',
    'error',
    '/screens/0/layout/children/0',
    12,
    11,
    '{',
    'TextInput is outside the Form of screen MAIN: when a screen has a Form,',
  ],
  ['invalid-json', 'error', '', 41, 7, '"terminal"', 'not valid JSON: CommaExpected'],
  [
    'min-greater-than-max',
    'error',
    '/screens/0/layout/children/0/min-selected-items',
    30,
    13,
    '"min-selected-items"',
    '`min-selected-items` (3) is greater than `max-selected-items` (2) on',
  ],
  ['missing-example', 'error', '/screens/1/data/stock', 43, 9, '"stock"', 'data.stock needs an "__example__" value (it is what Flow Builder'],
  ['missing-required-property', 'error', '/screens/1/layout/children/3/label', 90, 11, '{', '`label` is required on Footer'],
  [
    'navigate-not-in-routing-model',
    'error',
    '/screens/0/layout/children/1/on-click-action/next/name',
    33,
    17,
    '"name"',
    'routing_model does not allow PRODUCT → HELP: add "HELP" to',
  ],
  [
    'navigate-payload-undeclared',
    'error',
    '/screens/0/layout/children/1/on-click-action/payload/mail',
    29,
    17,
    '"mail"',
    'navigate sends "mail", which screen LAST does not declare; declared:',
  ],
  [
    'navigate-payload-wrong-type',
    'error',
    '/screens/0/layout/children/0/on-click-action/payload/count',
    21,
    17,
    '"count"',
    'navigate sends "count" as "three"; screen LAST declares it number',
  ],
  [
    'navigate-to-itself',
    'error',
    '/screens/0/layout/children/0/on-click-action/next/name',
    19,
    17,
    '"name"',
    'navigate to MAIN from MAIN: a screen cannot navigate to itself (use',
  ],
  ['navigate-unknown-screen', 'error', '/screens', 3, 3, '"screens"', 'no terminal screen can be reached from the entry screen FIRST'],
  [
    'navigate-unknown-screen',
    'error',
    '/screens/0/layout/children/1/on-click-action/next/name',
    25,
    17,
    '"name"',
    'navigate to "LATS", which is not a screen; screens: FIRST, LAST',
  ],
  ['navigate-unknown-screen', 'error', '/screens/1/id', 36, 7, '"id"', 'screen LAST cannot be reached from the entry screen FIRST: add it to a'],
  [
    'navigation-list-action-twice',
    'error',
    '/screens/0/layout/children/0/list-items/0/on-click-action',
    20,
    17,
    '"on-click-action"',
    'set `on-click-action` on the NavigationList or on its items, not both',
  ],
  [
    'navigation-list-end-with-large-media',
    'error',
    '/screens/0/layout/children/0/list-items/0/end',
    32,
    17,
    '"end"',
    'an item cannot have `end` when the NavigationList has "media-size":',
  ],
  [
    'navigation-list-on-terminal',
    'error',
    '/screens/0/terminal',
    7,
    7,
    '"terminal"',
    'terminal screen MAIN needs a Footer whose on-click-action is "complete"',
  ],
  [
    'navigation-list-on-terminal',
    'error',
    '/screens/0/layout/children/0/type',
    13,
    13,
    '"type"',
    'a NavigationList cannot be on a terminal screen (MAIN)',
  ],
  [
    'navigation-list-two-badges',
    'error',
    '/screens/0/layout/children/0/list-items/1/badge',
    35,
    17,
    '"badge"',
    'only one item of a NavigationList may have a `badge`',
  ],
  [
    'navigation-list-with-others',
    'error',
    '/screens/0/layout/children/1',
    15,
    11,
    '{',
    'a NavigationList cannot share its screen with other components; screen',
  ],
  [
    'navigation-list-without-action',
    'error',
    '/screens/0/layout/children/0/list-items/1',
    29,
    15,
    '{',
    'this item has no `on-click-action`, and the NavigationList has none:',
  ],
  ['no-entry-screen', 'error', '/screens', 3, 3, '"screens"', 'no entry screen: every screen is the next screen of another; the first'],
  [
    'no-successful-terminal',
    'error',
    '/screens/0/success',
    8,
    7,
    '"success"',
    'at least one terminal screen must end the flow successfully: leave out',
  ],
  ['no-terminal-screen', 'error', '/screens', 3, 3, '"screens"', 'no screen is terminal: mark the screen that ends the flow with'],
  [
    'no-terminal-screen',
    'error',
    '/screens/1/layout/children/1/on-click-action/name',
    55,
    15,
    '"name"',
    'the complete action belongs on a terminal screen; screen LAST is not',
  ],
  [
    'open-url-on-footer',
    'error',
    '/screens/0/layout/children/0/on-click-action/name',
    16,
    15,
    '"name"',
    'the open_url action belongs on an EmbeddedLink or an OptIn only, not on',
  ],
  [
    'open-url-on-footer',
    'warning',
    '/screens/0/layout/children/0/on-click-action/name',
    16,
    15,
    '"name"',
    'the Footer of terminal screen MAIN does not end the flow ("open_url"):',
  ],
  ['option-property-too-new', 'warning', '/version', 2, 3, '"version"', "Flow JSON 4.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'option-property-too-new',
    'error',
    '/screens/0/layout/children/0/data-source/0/image',
    20,
    17,
    '"image"',
    'an option\'s "image" needs Flow JSON 5.0 or later; this file is version',
  ],
  [
    'pattern-without-helper-text',
    'error',
    '/screens/0/layout/children/0/pattern',
    17,
    13,
    '"pattern"',
    'a TextInput with `pattern` needs `helper-text` (Meta: it tells the user',
  ],
  [
    'photo-and-document-picker',
    'error',
    '/screens/0/layout/children/1',
    18,
    11,
    '{',
    'screen MAIN has a PhotoPicker and a DocumentPicker; Meta allows one',
  ],
  [
    'picker-in-form-init-values',
    'error',
    '/screens/0/layout/children/0/init-values/photo',
    16,
    15,
    '"photo"',
    'a PhotoPicker cannot be initialised through `init-values`',
  ],
  [
    'picker-in-navigate-payload',
    'error',
    '/screens/0/layout/children/1/on-click-action/payload/photo',
    26,
    17,
    '"photo"',
    "a PhotoPicker's value cannot travel in a navigate payload; read it on",
  ],
  [
    'picker-not-top-level',
    'error',
    '/screens/0/layout/children/1/on-click-action/payload/evidence/photo',
    25,
    19,
    '"photo"',
    "a PhotoPicker's value goes in the payload only as a top-level property",
  ],
  ['property-too-new', 'warning', '/version', 2, 3, '"version"', "Flow JSON 5.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'property-too-new',
    'error',
    '/screens/1/layout/children/1/markdown',
    82,
    13,
    '"markdown"',
    'TextBody "markdown" needs Flow JSON 5.1 or later; this file is version',
  ],
  [
    'range',
    'error',
    '/screens/1/layout/children/3/max-uploaded-photos',
    94,
    13,
    '"max-uploaded-photos"',
    '`max-uploaded-photos` must be at most 30 (got 31)',
  ],
  [
    'refresh-on-back-without-endpoint',
    'error',
    '/screens/1/refresh_on_back',
    30,
    7,
    '"refresh_on_back"',
    '"refresh_on_back": true needs a data endpoint (data_api_version):',
  ],
  ['reserved-screen-id', 'error', '/screens/1/id', 36, 7, '"id"', 'SUCCESS is reserved (it completes the flow): rename this screen'],
  [
    'rich-text-not-alone-before-6.3',
    'error',
    '/screens/1/layout/children/0',
    45,
    11,
    '{',
    'before Flow JSON 6.3, a RichText stands alone on its screen; screen',
  ],
  [
    'routing-model-unknown-screen',
    'error',
    '/routing_model/PRODUCT/1',
    7,
    7,
    '"CHECKOUT"',
    'routing_model.PRODUCT: "CHECKOUT" is not a screen; screens: PRODUCT,',
  ],
  [
    'routing-route-to-itself',
    'error',
    '/routing_model/MAIN/0',
    6,
    7,
    '"MAIN"',
    'routing_model.MAIN lists MAIN itself: a route cannot lead to its own',
  ],
  ['routing-too-many-branches', 'error', '/routing_model/HUB', 5, 5, '"HUB"', 'routing_model.HUB has 11 routes; a screen may have at most 10'],
  ['screen-reference-before-4.0', 'warning', '/version', 2, 3, '"version"', "Flow JSON 3.1 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'screen-reference-before-4.0',
    'error',
    '/screens/1/layout/children/0/children/0/text',
    87,
    17,
    '"text"',
    '`${screen.PRODUCT.form.product_id}` (a reference to another screen)',
  ],
  [
    'screen-reference-to-itself',
    'error',
    '/screens/0/layout/children/1/text',
    20,
    13,
    '"text"',
    '`${screen.MAIN.form.city}` refers to its own screen MAIN: write',
  ],
  [
    'screen-reference-unknown-field',
    'error',
    '/screens/1/layout/children/0/text',
    77,
    13,
    '"text"',
    '`${screen.PRODUCT.form.sku}` names no input of screen PRODUCT; inputs:',
  ],
  [
    'screen-reference-unknown-screen',
    'error',
    '/screens/1/layout/children/0/text',
    77,
    13,
    '"text"',
    '`${screen.PRODUKT.form.product_id}`: "PRODUKT" is not a screen;',
  ],
  ['sensitive-before-5.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 5.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'sensitive-before-5.1',
    'error',
    '/screens/0/sensitive',
    8,
    7,
    '"sensitive"',
    'the screen property "sensitive" needs Flow JSON 5.1 or later; this file',
  ],
  ['success-on-non-terminal', 'error', '/screens/0/success', 7, 7, '"success"', '"success" belongs on a terminal screen only'],
  [
    'switch-footer-in-some-cases',
    'error',
    '/screens/0/layout/children/1/cases',
    34,
    13,
    '"cases"',
    'a Footer in one case of a Switch must be in every case; missing in: c',
  ],
  ['switch-without-cases', 'error', '/screens/0/layout/children/1/cases', 34, 13, '"cases"', '`cases` must not be empty'],
  [
    'terminal-without-footer',
    'error',
    '/screens/1/terminal',
    38,
    7,
    '"terminal"',
    'terminal screen LAST needs a Footer whose on-click-action is "complete"',
  ],
  [
    'too-many-footers-with-if',
    'error',
    '/screens/1/layout/children/4',
    114,
    11,
    '{',
    'screen AVAILABILITY has more than 1 Footer; a screen allows 1',
  ],
  ['too-many-footers', 'error', '/screens/1/layout/children/4', 100, 11, '{', 'screen AVAILABILITY has more than 1 Footer; a screen allows 1'],
  [
    'too-many-options',
    'error',
    '/screens/1/layout/children/2/data-source',
    87,
    13,
    '"data-source"',
    '`data-source` has 21 items; RadioButtonsGroup allows at most 20',
  ],
  [
    'unknown-component',
    'error',
    '/screens/1/layout/children/2/type',
    84,
    13,
    '"type"',
    '"TextParagraph" is not a Flow JSON component; known: TextHeading,',
  ],
  [
    'unknown-property',
    'error',
    '/screens/1/layout/children/2/placeholder',
    89,
    13,
    '"placeholder"',
    '`placeholder` is not a property of TextInput; allowed: type, visible,',
  ],
  ['unknown-version', 'error', '/version', 2, 3, '"version"', '"8.0" is not a Flow JSON version; use one of 2.1, 3.0, 3.1, 4.0, 5.0,'],
  ['unreachable-screen', 'error', '/screens/2/id', 105, 7, '"id"', 'screen ORPHAN cannot be reached from the entry screen PRODUCT: add it'],
  [
    'update-data-undeclared',
    'error',
    '/screens/1/layout/children/2/on-select-action/payload/stok',
    96,
    17,
    '"stok"',
    'update_data sets "stok", which screen AVAILABILITY does not declare;',
  ],
  [
    'wrong-property-type',
    'error',
    '/screens/1/layout/children/2/required',
    87,
    13,
    '"required"',
    '`required` must be true, false or a `${data.x}` expression (got "yes")',
  ],
];

/**
 * One fixture per rule Meta's sources disagree on: warnings only. warnings/README.md says why each is
 * not an error (and which moved here from broken/).
 */
const WARNINGS: Row[] = [
  [
    'action-not-listed',
    'warning',
    '/screens/0/layout/children/0/on-click-action/name',
    21,
    15,
    '"name"',
    "Meta's components reference lists data_exchange, navigate, open_url for",
  ],
  [
    'calendar-range-property-in-single-mode',
    'warning',
    '/screens/0/layout/children/0/title',
    16,
    13,
    '"title"',
    'Meta documents `title` for "mode": "range" only; in single mode it is',
  ],
  [
    'caption-over-409',
    'warning',
    '/screens/0/layout/children/0/text',
    14,
    13,
    '"text"',
    "`text` is 520 characters; Meta's components reference says 409 for",
  ],
  [
    'complete-two-pickers',
    'warning',
    '/screens/1/layout/children/1/on-click-action/payload/doc',
    53,
    17,
    '"doc"',
    "Meta's error codes allow one PhotoPicker or DocumentPicker value per",
  ],
  [
    'component-not-listed-for-if',
    'warning',
    '/screens/0/layout/children/1/then/0/type',
    22,
    17,
    '"type"',
    "CalendarPicker is not among the components Meta's components reference",
  ],
  [
    'document-mime-type-unlisted',
    'warning',
    '/screens/0/layout/children/0/allowed-mime-types/1',
    19,
    15,
    '"application/x-tar"',
    '"application/x-tar" is not among the MIME types Meta\'s media upload',
  ],
  [
    'embedded-link-over-25',
    'warning',
    '/screens/0/layout/children/0/text',
    14,
    13,
    '"text"',
    "`text` is 28 characters; Meta's components reference says 25 for",
  ],
  [
    'empty-text-before-6.0',
    'warning',
    '/screens/0/layout/children/0/text',
    14,
    13,
    '"text"',
    "`text` is empty: Meta's components reference refuses an empty TextBody",
  ],
  [
    'form-init-values-unknown-key',
    'warning',
    '/screens/0/layout/children/0/init-values/e_mail',
    16,
    15,
    '"e_mail"',
    '`init-values` names "e_mail", which is no input of this Form; inputs:',
  ],
  [
    'init-value-inside-form',
    'warning',
    '/screens/0/layout/children/0/children/0/init-value',
    21,
    17,
    '"init-value"',
    'Meta documents `init-value` only for inputs outside a Form; inside one,',
  ],
  ['integer-data-type', 'warning', '/screens/0/data/count/type', 10, 11, '"type"', "Meta's Flow JSON reference lists the data types string, number,"],
  [
    'large-label-over-20',
    'warning',
    '/screens/0/layout/children/0/label',
    15,
    13,
    '"label"',
    '`label` is 23 characters; TextInput allows at most 20, and Meta does',
  ],
  [
    'navigate-payload-leaves-out-data',
    'warning',
    '/screens/0/layout/children/1/on-click-action/payload',
    26,
    15,
    '"payload"',
    "navigate to LAST leaves out greeting, which it declares; Meta's error",
  ],
  [
    'navigation-list-rendering-limits',
    'warning',
    '/screens/0/layout/children/0/label',
    30,
    13,
    '"label"',
    '`label` is 103 characters; Meta shows at most 80 in a NavigationList',
  ],
  [
    'pattern-with-email',
    'warning',
    '/screens/0/layout/children/0/pattern',
    17,
    13,
    '"pattern"',
    'Meta supports `pattern` with input-type text, number, password and',
  ],
  [
    'picker-complete-max-files',
    'warning',
    '/screens/0/layout/children/1/on-click-action/payload/photos',
    24,
    17,
    '"photos"',
    "Meta's error codes want max-uploaded-photos at most 1 (default 30) for",
  ],
  [
    'radio-init-value-array',
    'warning',
    '/screens/0/layout/children/0/init-value',
    30,
    13,
    '"init-value"',
    "a RadioButtonsGroup's `init-value` is one option id: Meta's Form",
  ],
  [
    'rich-text-with-others',
    'warning',
    '/screens/0/layout/children/0',
    12,
    11,
    '{',
    'Meta documents RichText alone or beside a Footer; screen MAIN also has',
  ],
  ['routing-loop', 'warning', '/routing_model/PAY/0', 12, 7, '"CART"', "routing_model loops: CART → PAY → CART. Meta's error codes refuse loops"],
  [
    'sensitive-not-an-input',
    'warning',
    '/screens/0/sensitive/0',
    9,
    9,
    '"pin_code"',
    '"pin_code" names no input of screen MAIN, so nothing is masked for it;',
  ],
  [
    'terminal-footer-navigates',
    'warning',
    '/screens/1/layout/children/1/on-click-action/name',
    56,
    15,
    '"name"',
    'the Footer of terminal screen LAST does not end the flow ("navigate"):',
  ],
  ['text-lines-before-5.1', 'warning', '/version', 2, 3, '"version"', "Flow JSON 5.0 can no longer be published (Meta's changelog: 5.1 and"],
  [
    'text-lines-before-5.1',
    'warning',
    '/screens/0/layout/children/0/text',
    14,
    13,
    '"text"',
    'TextBody `text` as an array of lines is documented from Flow JSON 5.1',
  ],
  ['version-no-longer-published', 'warning', '/version', 2, 3, '"version"', "Flow JSON 5.0 can no longer be published (Meta's changelog: 5.1 and"],
];

describe('Flow JSON checker: valid corpus', () => {
  it('has a fixture for every Flow JSON version', () => {
    const versions = new Set(valid.map((name) => (JSON.parse(read(`valid/${name}`)) as { version: string }).version));
    expect([...versions].sort()).toEqual([...FLOW_JSON_VERSIONS].sort());
  });

  it.each(valid.map((name) => name.replace(/\.json$/, '')))('accepts %s: no error, the warnings expected', (file) => {
    expect(errorsOf(checkFlowJson(read(`valid/${file}.json`)))).toEqual([]);
    expectFindings('valid', file, VALID);
  });

  it.each(ACCEPTED)('accepts %s (%s)', (file) => {
    expect(valid).toContain(`${file}.json`);
    expect(errorsOf(checkFlowJson(read(`valid/${file}.json`)))).toEqual([]);
  });

  it.each(['inventory', 'appointments', 'returns'])('accepts the %s module without a warning', (module) => {
    expect(checkFlowJsonFile(`src/flows/${module}/${module}.flow.json`)).toEqual({ problems: [], warnings: [] });
  });
});

describe('Flow JSON checker: one broken fixture per rule', () => {
  it('every broken fixture is in the table, and every table row has its fixture', () => {
    expect([...new Set(BROKEN.map(([file]) => `${file}.json`))].sort()).toEqual(broken);
  });

  it.each([...new Set(BROKEN.map(([file]) => file))])('%s', (file) => {
    expectFindings('broken', file, BROKEN);
    expect(errorsOf(checkFlowJson(read(`broken/${file}.json`))).length).toBeGreaterThan(0);
  });

  it('a file that cannot be read is one problem, not a crash', () => {
    expect(checkFlowJsonFile('does/not/exist.flow.json')).toEqual({
      problems: [{ pointer: '', line: 1, column: 1, message: 'cannot read the file: ENOENT', severity: 'error' }],
      warnings: [],
    });
  });

  it('a JSON value that is not an object says what a Flow JSON looks like', () => {
    expect(checkFlowJson('[]')).toEqual([
      expect.objectContaining({ pointer: '', line: 1, column: 1, severity: 'error', message: expect.stringContaining('not a JSON object') }),
    ]);
  });
});

describe('Flow JSON checker: warnings, where Meta may accept', () => {
  it('every warnings fixture is in the table, and every table row has its fixture', () => {
    expect([...new Set(WARNINGS.map(([file]) => `${file}.json`))].sort()).toEqual(warnings);
  });

  it.each([...new Set(WARNINGS.map(([file]) => file))])('%s', (file) => {
    expectFindings('warnings', file, WARNINGS);
    const problems = checkFlowJson(read(`warnings/${file}.json`));
    expect(errorsOf(problems)).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('checkFlowJsonFile keeps the errors in problems and the warnings apart', () => {
    const file = 'test/fixtures/flow-json/warnings/terminal-footer-navigates.json';
    const { problems, warnings: found } = checkFlowJsonFile(file);
    expect(problems).toEqual([]);
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', line: 56, column: 15 })]);
    expect(formatFlowJsonProblem(file, found[0])).toMatch(
      new RegExp(`^${file}:56:15  warning: the Footer of terminal screen LAST does not end the flow`),
    );
  });
});
