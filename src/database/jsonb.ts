/**
 * Serializes a value for a jsonb parameter. Postgres text and jsonb cannot hold U+0000, which JSON
 * allows and users (or providers) can send: it is stored as U+FFFD instead of failing the write.
 */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON writes U+0000 as \u0000: only then is the slower pass that replaces it needed.
  return json.includes('\\u0000') ? JSON.stringify(value, (_, item: unknown) => (typeof item === 'string' ? withoutNul(item) : item)) : json;
}

/** The same value as stored (a copy), for writes that serialize it themselves (TypeORM entities). */
export function asStoredJson<T>(value: T): T {
  return JSON.parse(toJsonb(value)) as T;
}

/** Replaces U+0000, which Postgres text columns refuse, with U+FFFD. */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '\ufffd') : text;
}
