// The command table: every `flowgate <group> <command>`, its one-line summary and its file. A
// command's file is loaded only when it runs, so `flowgate flow lint` never loads Meta's client.
import type { CommandGroup } from './command.js';

export const COMMANDS: Record<string, CommandGroup> = {
  flow: {
    summary: 'Write, check and try a flow module on this machine',
    commands: {
      new: {
        args: '<name> [--table <table>]',
        summary: 'A new flow module in src/flows/<name>/ (--table: with an entity, its migration and demo data)',
        load: () => import('../commands/flow/new.js'),
      },
      lint: {
        args: '[file.flow.json ...]',
        summary: 'Check Flow JSON files as WhatsApp would',
        load: () => import('../commands/flow/lint.js'),
      },
      types: {
        args: '[file.flow.json ...] [--check]',
        summary: "Generate (or --check) each Flow JSON's typed screens",
        load: () => import('../commands/flow/types.js'),
      },
      simulate: {
        args: '<flow> [--url URL] [--script steps.json] [--token T] [--flow-json file]',
        summary: 'Walk a flow like a phone against a running Flowgate',
        load: () => import('../commands/flow/simulate.js'),
      },
      preview: {
        args: '<flow> [--url URL] [--port 3100] [--token T] [--flow-json file] [--cdn-dir .data/preview]',
        summary: "The flow's screens in a browser phone, driving the running endpoint",
        load: () => import('../commands/flow/preview.js'),
      },
    },
  },
  meta: {
    summary: "Meta's copy of each flow, through Meta's Flows API",
    footer:
      'Meta: WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_ACCESS_TOKEN, GRAPH_API_BASE_URL; PUBLIC_URL (endpoint of flow x: PUBLIC_URL/flows/x).\n' +
      "--tenant NAME: the tenant's WABA and graph-token (TENANTS_DIR/NAME/), endpoint PUBLIC_URL/flows/NAME/x (doctor: its key, app secret, numbers).",
    commands: {
      list: {
        summary: "Local flows beside Meta's: id, status, JSON version, endpoint, drift, errors, health",
        load: () => import('../commands/meta/list.js'),
      },
      deploy: {
        args: '<flow>... | --all [--dry-run] [--republish] [--yes]',
        summary: 'Check locally, create the draft, set endpoint_uri and categories, upload the JSON',
        load: () => import('../commands/meta/deploy.js'),
      },
      publish: {
        args: '<flow> [--yes]',
        summary: 'Publish (final; refused while Meta reports validation errors)',
        load: () => import('../commands/meta/publish.js'),
      },
      'preview-url': {
        args: '<flow> [--interactive] [--screen S] [--data JSON] [--token T] [--phone P] [--invalidate]',

        summary: "Meta's preview URL of a deployed flow (the local preview is flow preview)",
        alias: { name: 'preview', note: "`preview` is now `preview-url` (Meta's preview); the local preview is `flowgate flow preview`" },
        load: () => import('../commands/meta/preview-url.js'),
      },
      status: {
        args: '<flow>',
        summary: 'Status, validation errors, health, JSON version, endpoint, stored alerts',
        load: () => import('../commands/meta/status.js'),
      },
      metrics: {
        args: '<flow> [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--granularity DAY|HOUR|LIFETIME]',
        summary: "Meta's endpoint metrics (deprecated by Meta: prefer webhooks, health_status and /metrics)",
        load: () => import('../commands/meta/metrics.js'),
      },
      doctor: {
        args: '[--url URL] [--ca FILE] [--tenant NAME]',
        summary: "DNS, TLS chain, hostname, expiry, Meta's key, an encrypted ping to each flow",
        load: () => import('../commands/meta/doctor.js'),
      },
      deprecate: {
        args: '<flow> [--yes]',
        summary: 'A published flow can no longer be sent',
        load: () => import('../commands/meta/deprecate.js'),
      },
      delete: {
        args: '<flow> [--yes]',
        summary: 'Delete a draft (drafts only)',
        load: () => import('../commands/meta/delete.js'),
      },
    },
  },
  keys: {
    summary: "The data endpoint's RSA keys: generate, upload, rotate, retire",
    footer:
      'Meta: WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID (GRAPH_API_BASE_URL); with --tenant NAME, the files of TENANTS_DIR/NAME/.\n' +
      'Server: ADMIN_TOKEN; URL is --url, else FLOWGATE_URL, else http://localhost:$PORT (3000).',
    commands: {
      generate: {
        args: '[--out config/keys | --tenant NAME] [--passphrase-env VAR] [--force]',
        summary: 'A new RSA-2048 pair: <out>/private.pem (PKCS#8, mode 0600) and <out>/public.pem',
        load: () => import('../commands/keys/generate.js'),
      },
      upload: {
        args: '[--public-key file] [--tenant NAME]',
        summary: "Upload a public key to Meta (default: the configured current private key's)",
        load: () => import('../commands/keys/upload.js'),
      },
      status: {
        args: '[--tenant NAME]',
        summary: 'The key Meta has, its signature status, and whether it is the local current key',
        load: () => import('../commands/keys/status.js'),
      },
      rotate: {
        args: '[--url URL] [--force] [--tenant NAME]',
        summary: 'A new current key, the old one kept as the previous key; upload; reload the server',
        load: () => import('../commands/keys/rotate.js'),
      },
      retire: {
        args: '[--url URL] [--force] [--tenant NAME]',
        summary: "Delete the previous key file and reload the server, once the old key's traffic is gone",
        load: () => import('../commands/keys/retire.js'),
      },
      reload: {
        args: '[--url URL] [--tenant NAME]',
        summary: 'Ask the server to re-read its key files',
        load: () => import('../commands/keys/reload.js'),
      },
    },
  },
  db: {
    summary: 'The configured database',
    commands: {
      seed: { summary: "Apply the flow modules' demo data, then exit (idempotent)", load: () => import('../commands/db/seed.js') },
    },
  },
};
