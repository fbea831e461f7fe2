/**
 * Access tokens quoted back in a provider's text: a proxy or an API that echoes the request's
 * `Authorization` header, or puts `access_token=` in a URL it reports. Meta's user and system user
 * tokens start with `EAA`; other providers' keys have no shape, so the token that was sent is
 * masked wherever it appears too.
 */
// A credential, not a word of prose ("needs the bearer token"): 16 characters or more, or 8 with a
// digit or a symbol in them.
const BEARER = /\b(bearer|basic)\s+(?:[A-Za-z0-9\-._~+/]{16,}|(?=[A-Za-z]*[0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,})=*/gi;
const META_TOKEN = /\bEAA[A-Za-z0-9]{16,}/g;
const TOKEN_PARAMETER = /\b(access_token|api_key|apikey|token)=[^&\s"']+/gi;

/**
 * `text` with every access token masked as `[token]`: the ones in `known` (what the caller sent;
 * shorter than 8 characters they are too likely to be ordinary words), bearer and basic
 * credentials, Meta tokens and `access_token=` parameters. Apply it before the phone number
 * redaction, which would otherwise cut a token's digits out and leave the rest of it readable.
 */
export function redactTokens(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let redacted = text;
  for (const token of known) {
    if (token && token.length >= 8) redacted = redacted.split(token).join('[token]');
  }
  return redacted.replace(BEARER, '$1 [token]').replace(META_TOKEN, '[token]').replace(TOKEN_PARAMETER, '$1=[token]');
}
