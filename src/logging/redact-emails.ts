/**
 * E-mail addresses in free text: a local part of the characters addresses use, `@`, and a domain
 * with at least one dot (`ana.silva+news@example.co.uk`). `user@localhost` and `@mentions` are kept.
 */
const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b/g;

/** Text from outside (a provider's error, what a client reported) with e-mail addresses masked, for logs. */
export function redactEmails(text: string): string {
  return text.includes('@') ? text.replace(EMAIL, '[email]') : text;
}
