// `npm run flow:preview -- <flow> [--url http://localhost:3000] [--port 3100] [--token T] [--flow-json file] [--cdn-dir .data/preview]`
// Shows the flow's screens in a browser, in a phone-sized frame, driving the real endpoint: see
// src/tools/preview/preview-server.ts.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigValidationError } from '../config/validate-env.js';
import { credentialsFromConfig, findFlowJson } from './flow-client.js';
import { startPreviewServer } from './preview/preview-server.js';

const USAGE =
  'Usage: npm run flow:preview -- <flow> [--url http://localhost:3000] [--port 3100] [--token TOKEN] [--flow-json file] [--cdn-dir .data/preview] [--json]';

/** A value as a shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function fail(message: string, json: boolean): never {
  if (json) console.log(JSON.stringify({ ok: false, error: message }));
  else console.error(`✖ ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string', default: process.env.FLOWGATE_URL ?? `http://localhost:${process.env.PORT ?? 3000}` },
        port: { type: 'string', default: '3100' },
        token: { type: 'string' },
        'flow-json': { type: 'string' },
        'cdn-dir': { type: 'string', default: '.data/preview' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`✖ ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values: options, positionals } = parsed;
  const flow = positionals[0];
  if (options.help || !flow) {
    console.log(USAGE);
    process.exit(flow ? 0 : 2);
  }
  const json = options.json;
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0 to 65535), got "${options.port}"`, json);
  const file = findFlowJson(flow, options['flow-json']);
  if (!file) fail(`No Flow JSON for "${flow}" (looked for src/flows/${flow}/${flow}.flow.json): pass --flow-json <file>`, json);

  let credentials;
  try {
    credentials = credentialsFromConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) fail(error.message, json);
    throw error;
  }
  if (!json) console.log(`✔ Keys and app secret read from the configuration`);

  const server = await startPreviewServer({
    flow,
    flowJsonFile: resolve(file),
    url: options.url!,
    port,
    token: options.token,
    credentials,
    cdnCertDir: resolve(options['cdn-dir']!),
  }).catch((error: NodeJS.ErrnoException) =>
    fail(error.code === 'EADDRINUSE' ? `Port ${port} is in use: pass --port <another>` : error.message, json),
  );
  const address = server.url.replace('127.0.0.1', 'localhost');
  const settings = Object.entries(server.cdn.serverSettings)
    .map(([name, value]) => `${name}=${shellWord(value)}`)
    .join(' ');
  if (json) {
    const cdn = { url: server.cdn.url, caFile: server.cdn.caFile, serverSettings: server.cdn.serverSettings };
    console.log(JSON.stringify({ ok: true, url: address, flow, endpoint: options.url, flowJson: file, cdn }));
  } else {
    console.log(`✔ Watching ${file} (the page reloads when it changes)`);
    console.log(`✔ Requests go to ${options.url}/flows/${flow}`);
    // The certificate is public; its key stays in the folder. A new one is trusted only after a restart.
    console.log(
      `✔ Picked files are served from ${server.cdn.url}; for Flowgate's media handlers to fetch them, start it with ${settings}` +
        (server.cdn.newCertificate ? ' (a new certificate: restart Flowgate if it already runs with these)' : ''),
    );
    console.log(`✔ Preview of "${flow}": open ${address}  (Ctrl+C to stop)`);
  }
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
});
