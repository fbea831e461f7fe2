// ESLint (typescript-eslint, flat config). Formatting is Prettier's (npm run format), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';

// The rooms of src/ and the arrows between them (README: layout). Each room is entered only through
// its public entries; arrows point down only: foundation ← flow-json, hub-signature, graph-api ←
// flows-core ← flow-media ← flows/*; webhooks, outbound and meta-flows stand beside the core; tools,
// server/ and the app's entry files on top. A test (test/foundation/import-graph.spec.ts) adds that
// src/ has no import cycle. Tests other than the kit and the support files may reach inside a room.

/** Outside `room`, only its `entries` may be imported. */
const onlyThrough = (room, entries, message) => ({
  group: [`**/${room}/*`, `**/${room}/**`, ...entries.map((entry) => `!**/${room}/${entry}`)],
  message,
});

const FLOWS_CORE_FOR = {
  flows: onlyThrough('flows-core', ['index.js'], "A flow imports the flows core from src/flows-core/index.ts (the flow authors' surface)."),
  flowSpecs: onlyThrough('flows-core', ['index.js', 'testing.js'], "A flow's tests import the flows core from index.ts or testing.ts."),
  server: onlyThrough('flows-core', ['index.js', 'server.js'], "The app's modules import the flows core from src/flows-core/index.ts or server.ts."),
  tools: onlyThrough(
    'flows-core',
    ['index.js', 'server.js', 'testing.js'],
    'Tools, the test kit and the benchmark import the flows core from index.ts, server.ts or testing.ts.',
  ),
};
const ROOM_ENTRIES = [
  onlyThrough('flow-json', ['index.js', 'files.js'], 'Import the Flow JSON room from src/flow-json/index.ts (or files.ts to read files).'),
  onlyThrough('hub-signature', ['index.js'], 'Import the signature room from src/hub-signature/index.ts.'),
  onlyThrough('graph-api', ['index.js'], 'Import the Graph API client from src/graph-api/index.ts.'),
  onlyThrough('flow-media', ['index.js'], 'Import media from src/flow-media/index.ts.'),
  {
    group: ['**/flows/*/**', '!**/flows/*/index.js'],
    message: 'Import a flow only through its index.ts (src/flows/<name>/index.ts exports what other code may use).',
  },
];
/** Flows reach the foundation through the entries made for them. */
const FOUNDATION_ENTRIES = ['config', 'database', 'cache'].map((room) =>
  onlyThrough(room, ['index.js'], `A flow imports src/${room} from src/${room}/index.ts (export what flows need there).`),
);

const forbid = (message, ...rooms) => ({ group: rooms.flatMap((room) => [`**/${room}/*`, `**/${room}/**`]), message });
const TOP = ['tools', 'server'];
const APP_FILES = {
  group: ['**/app.module.js', '**/app.factory.js', '**/main.js', '**/seed.js', '**/data-source.js'],
  message: "Only the top imports the app's entry files.",
};
const UP = {
  foundation: forbid(
    'The foundation (config, http, logging, database, cache, metrics, tracing, queue, health, admin, common) imports nothing above it.',
    'flow-json',
    'hub-signature',
    'graph-api',
    'flows-core',
    'flow-media',
    'flows',
    'webhooks',
    'outbound',
    'meta-flows',
    ...TOP,
  ),
  rooms: forbid(
    'flow-json, hub-signature and graph-api stand below the flows core: they import nothing above the foundation.',
    'flows-core',
    'flow-media',
    'flows',
    'webhooks',
    'outbound',
    'meta-flows',
    ...TOP,
  ),
  core: forbid(
    'The flows core never imports media, a flow, or the modules beside and above it.',
    'flow-media',
    'flows',
    'webhooks',
    'outbound',
    'meta-flows',
    ...TOP,
  ),
  media: forbid(
    'Media stands below the flows: it never imports a flow, or the modules beside and above it.',
    'flows',
    'webhooks',
    'outbound',
    'meta-flows',
    ...TOP,
  ),
  beside: forbid('Webhooks, outbound and meta-flows stand beside the core: they never import a flow or the tools.', 'flows', ...TOP),
  flows: forbid(
    'A flow imports the core, the rooms and the foundation, never the modules beside the core or the tools.',
    'webhooks',
    'outbound',
    'meta-flows',
    ...TOP,
  ),
};
const FOUNDATION = ['admin', 'cache', 'common', 'config', 'database', 'health', 'http', 'logging', 'metrics', 'queue', 'tracing'];
const FLOWS = readdirSync(new URL('./src/flows/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const SPECS = ['**/*.spec.ts', '**/*.e2e-spec.ts'];

/** One ESLint block per zone: the rule's patterns replace (not add to) those of an earlier block. */
const zone = (files, patterns, extra = {}) => ({
  files,
  ...extra,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', '.data/', 'bench/out/', '.ci/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      // `_` marks what is destructured away on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Tests read decrypted replies and fixtures as `any` on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      // Nest modules are classes with decorators and no members.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Control characters are matched on purpose: tokens, ids and text columns refuse them.
      'no-control-regex': 'off',
    },
  },
  zone(
    FOUNDATION.map((room) => `src/${room}/**/*.ts`),
    [UP.foundation, APP_FILES],
    { ignores: SPECS },
  ),
  // The Flow JSON room is pure: no Nest, nothing of Node (the browser preview imports it), nothing outside itself.
  zone(
    ['src/flow-json/**/*.ts'],
    [
      UP.rooms,
      APP_FILES,
      forbid('The Flow JSON room is pure TypeScript.', '..'),
      { group: ['@nestjs/*', 'node:*'], message: 'The Flow JSON room is pure: no Nest, nothing of Node (files.ts reads files).' },
    ],
    {
      ignores: ['src/flow-json/files.ts'],
    },
  ),
  zone(['src/flow-json/files.ts', 'src/hub-signature/**/*.ts', 'src/graph-api/**/*.ts'], [UP.rooms, APP_FILES, ...ROOM_ENTRIES]),
  zone(['src/flows-core/**/*.ts'], [UP.core, APP_FILES, ...ROOM_ENTRIES], { ignores: SPECS }),
  zone(['src/flow-media/**/*.ts'], [UP.media, APP_FILES, FLOWS_CORE_FOR.server, ...ROOM_ENTRIES], { ignores: SPECS }),
  zone(['src/webhooks/**/*.ts', 'src/outbound/**/*.ts', 'src/meta-flows/**/*.ts'], [UP.beside, APP_FILES, FLOWS_CORE_FOR.server, ...ROOM_ENTRIES], {
    ignores: SPECS,
  }),
  // A flow: no arrow up, the core through its authors' surface, the foundation through its entries, and
  // no other flow's files (only that flow's index.ts).
  ...FLOWS.map((flow) => {
    const others = FLOWS.filter((other) => other !== flow).map((other) => ({
      group: [`**/${other}/*`, `**/${other}/**`, `!**/${other}/index.js`],
      message: `A flow imports another flow only through its index.ts (src/flows/${other}/index.ts), as a declared dependency.`,
    }));
    return zone([`src/flows/${flow}/**/*.ts`], [UP.flows, APP_FILES, FLOWS_CORE_FOR.flows, ...ROOM_ENTRIES, ...FOUNDATION_ENTRIES, ...others], {
      ignores: SPECS,
    });
  }),
  zone(
    ['src/flows/*/**/*.spec.ts', 'src/flows/*/**/*.e2e-spec.ts'],
    [UP.flows, APP_FILES, FLOWS_CORE_FOR.flowSpecs, ...ROOM_ENTRIES, ...FOUNDATION_ENTRIES],
  ),
  zone(['src/flows/index.ts'], [UP.flows, APP_FILES, ...ROOM_ENTRIES]),
  // The top and the test kit (what flow teams copy) use the public entries too.
  zone(['src/tools/**/*.ts', 'src/server/**/*.ts', 'src/*.ts'], [FLOWS_CORE_FOR.tools, ...ROOM_ENTRIES], { ignores: SPECS }),
  zone(['test/kit/**/*.ts', 'test/support/**/*.ts', 'bench/**/*.ts'], [FLOWS_CORE_FOR.tools, ...ROOM_ENTRIES]),
);
