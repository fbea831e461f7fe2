/**
 * WhatsApp business-scoped user ids (BSUIDs) in free text: a two-letter country code, a dot, and up
 * to 128 letters and digits (`US.13491208655302741918`), or a parent BSUID with `ENT.` after the
 * country code (`US.ENT.11815799212886844830`). Matched as whole words, so a domain or a version
 * number (`v23.0`, `graph.facebook.com`) is left alone: the part after the dot must hold a digit.
 */
const USER_ID = /(?<![\w.])[A-Z]{2}\.(?:ENT\.)?(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{1,128}(?!\w)/g;

/**
 * Text from outside (a provider's error, what a client reported) with business-scoped user ids
 * masked, for logs. They are personal data like phone numbers: apply it before the phone number
 * redaction, whose digit runs would otherwise cut a BSUID in two and leave its country code.
 */
export function redactUserIds(text: string): string {
  return text.replace(USER_ID, '[user-id]');
}
