/** A failure retrying cannot fix (malformed payload): the event goes straight to the dead letters. */
export class PermanentWebhookError extends Error {}
