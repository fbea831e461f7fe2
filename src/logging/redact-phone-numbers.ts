/**
 * Phone-number-like runs in free text: an optional `+`, then 8 to 15 digits (E.164 allows 15),
 * possibly grouped by single spaces, dots or dashes as people and providers write them
 * (`+351 917 654 321`, `351917654321`). Shorter runs (Meta error codes such as 131026) are kept.
 */
const PHONE_NUMBER = /\+?(?<!\d)\d(?:[ .-]?\d){7,14}(?!\d)/g;

/** Text from outside (a provider's error, what a client reported) with phone numbers masked, for logs. */
export function redactPhoneNumbers(text: string): string {
  return text.replace(PHONE_NUMBER, '[phone]');
}
