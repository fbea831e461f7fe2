// Meta's Graph API over HTTP: one client, one error type, bounded retries, redirects refused, the
// token never echoed. Used by outbound messages, media, the Flows API (meta-flows) and the keys tools.
export { GraphApiClient, type GraphApiSettings, type GraphCallOptions, type GraphMethod } from './graph-api.client.js';
export { graphApiConfig, type GraphApiConfig } from './graph-api.config.js';
export { GraphApiError } from './graph-api-error.js';
export { GraphApiModule } from './graph-api.module.js';
export { sendWithRetries, type SendOptions } from './send-with-retries.js';
