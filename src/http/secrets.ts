import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/**
 * Compares a secret someone sent with the configured one in constant time. Both sides are hashed
 * first, so lengths are always equal and the time taken says nothing about the secret's length.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

// RFC 7235: the scheme is case-insensitive; one space; the token is visible ASCII without spaces.
const BEARER = /^bearer ([\x21-\x7e]+)$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined when malformed or absent. */
export function bearerToken(header: unknown): string | undefined {
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}
