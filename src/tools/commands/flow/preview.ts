// Shows the flow's screens in a browser, in a phone-sized frame, driving the real endpoint: see
// src/tools/preview/preview-server.ts.
import { resolve } from 'node:path';
import { defineCommand } from '../../cli/command.js';
import { CliError, UsageError } from '../../cli/errors.js';
import { credentialsFromConfig } from '../../flow-client.js';
import { requireFlowJson } from '../../flow-names.js';
import { startPreviewServer } from '../../preview/preview-server.js';

/** A value as a shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export default defineCommand({
  options: {
    url: { type: 'string' },
    port: { type: 'string', default: '3100' },
    token: { type: 'string' },
    'flow-json': { type: 'string' },
    'cdn-dir': { type: 'string', default: '.data/preview' },
  },
  positionals: true,
  help: `Starts the preview server on --port and prints the address to open; requests go to the endpoint at --url
(default FLOWGATE_URL, else http://localhost:$PORT). Picked files are served from a local HTTPS CDN whose
certificate is kept in --cdn-dir. Not Meta's preview of a deployed flow: that is flowgate meta preview-url.`,
  async run({ values, positionals, json }) {
    const flow = positionals[0];
    if (!flow) throw new UsageError('Name a flow, e.g. inventory');
    const url = (values.url as string | undefined) ?? process.env.FLOWGATE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0 to 65535), got "${values.port}"`);
    const file = requireFlowJson(flow, values['flow-json'] as string | undefined);
    const credentials = credentialsFromConfig();
    if (!json) console.log(`✔ Keys and app secret read from the configuration`);

    const server = await startPreviewServer({
      flow,
      flowJsonFile: resolve(file),
      url,
      port,
      token: values.token as string | undefined,
      credentials,
      cdnCertDir: resolve(values['cdn-dir'] as string),
    }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? new CliError(`Port ${port} is in use: pass --port <another>`) : error;
    });
    const address = server.url.replace('127.0.0.1', 'localhost');
    const settings = Object.entries(server.cdn.serverSettings)
      .map(([name, value]) => `${name}=${shellWord(value)}`)
      .join(' ');
    if (json) {
      const cdn = { url: server.cdn.url, caFile: server.cdn.caFile, serverSettings: server.cdn.serverSettings };
      console.log(JSON.stringify({ ok: true, url: address, flow, endpoint: url, flowJson: file, cdn }));
    } else {
      console.log(`✔ Watching ${file} (the page reloads when it changes)`);
      console.log(`✔ Requests go to ${url}/flows/${flow}`);
      // The certificate is public; its key stays in the folder. A new one is trusted only after a restart.
      console.log(
        `✔ Picked files are served from ${server.cdn.url}; for Flowgate's media handlers to fetch them, start it with ${settings}` +
          (server.cdn.newCertificate ? ' (a new certificate: restart Flowgate if it already runs with these)' : ''),
      );
      console.log(`✔ Preview of "${flow}": open ${address}  (Ctrl+C to stop)`);
    }
    // Serves until Ctrl+C (or SIGTERM), then closes and exits 0.
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    return 0;
  },
});
