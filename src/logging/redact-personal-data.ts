import { redactEmails } from './redact-emails.js';
import { redactPhoneNumbers } from './redact-phone-numbers.js';
import { redactTokens } from './redact-tokens.js';
import { redactUserIds } from './redact-user-ids.js';

/**
 * Text from outside (a provider's error, what a client reported) as it may be logged or shown:
 * access tokens (the `known` ones included), e-mail addresses, business-scoped user ids and phone
 * numbers masked, in the order that leaves no part of one readable.
 */
export function redactProviderText(text: string, known: ReadonlyArray<string | undefined> = []): string {
  return redactPhoneNumbers(redactUserIds(redactEmails(redactTokens(text, known))));
}
