/**
 * Data API 4.0's `flow_token_signature`: a JWT (RFC 7519) signed HS256 with the app secret of the app
 * connected to the flow, whose payload holds the flow token (`flow_token`). Checked here with
 * node:crypto alone, per request, in microseconds: the header is parsed once per distinct header
 * (Meta sends one), then one HMAC-SHA256 per configured secret and a JSON parse of a small payload.
 */

/** What a signature check found: `valid`; `invalid` (malformed, another algorithm, a wrong MAC, expired); `mismatch` (signed, for another token). */
export type TokenSignatureOutcome = 'valid' | 'invalid' | 'mismatch';

export interface TokenSignatureResult {
  outcome: TokenSignatureOutcome;
  /** Why it is invalid, for the log line (never the token or the JWT). */
  reason?: string;
  /** Which app secret signed it (a valid or mismatching one). */
  signedWith?: 'current' | 'previous';
}

/** Verifies an HMAC-SHA256 against every configured app secret (AppSecrets). */
export interface MacVerifier {
  signs(data: string, mac: Buffer): { label: 'current' | 'previous' } | undefined;
}

/** Longest JWT read: Meta's is a header, a payload holding a token of at most 512 characters, a 43-character MAC. */
const MAX_LENGTH = 4096;
/** A base64url segment (RFC 7515: no padding). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** An HMAC-SHA256 is 32 bytes: 43 base64url characters. */
const MAC_CHARACTERS = 43;
/** Clock skew allowed on `exp` and `nbf`, in seconds. */
const LEEWAY_S = 300;

/** Header segments already found to say `{"alg":"HS256"}` (and nothing this check cannot honour). Meta sends one. */
const acceptedHeaders = new Set<string>();
const MAX_ACCEPTED_HEADERS = 16;

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a JOSE header cannot be accepted, or undefined when it can: only HS256 (never `none`, never an
 * asymmetric algorithm whose "public key" could be fed the secret), no `crit` extensions, a JWT `typ` if any.
 */
function headerProblem(segment: string): string | undefined {
  if (acceptedHeaders.has(segment)) return undefined;
  const header = decodeJson(segment);
  if (!isObject(header)) return 'the header is not a JSON object';
  if (header.alg !== 'HS256')
    return `the algorithm is ${typeof header.alg === 'string' ? JSON.stringify(header.alg.slice(0, 16)) : 'missing'}, not HS256`;
  if ('crit' in header) return 'the header has critical extensions';
  if (header.typ !== undefined && (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')) return 'the header type is not JWT';
  if (acceptedHeaders.size < MAX_ACCEPTED_HEADERS) acceptedHeaders.add(segment);
  return undefined;
}

/** Checks `jwt` against the app secrets and the request's `flowToken`. `nowS`: the time, in seconds. */
export function verifyTokenSignature(jwt: string, flowToken: string, secrets: MacVerifier, nowS = Date.now() / 1000): TokenSignatureResult {
  const invalid = (reason: string): TokenSignatureResult => ({ outcome: 'invalid', reason });
  if (jwt.length > MAX_LENGTH) return invalid(`it is longer than ${MAX_LENGTH} characters`);
  const parts = jwt.split('.');
  if (parts.length !== 3) return invalid('it is not a JWT (three base64url parts)');
  const [header, payload, mac] = parts;
  if (!SEGMENT.test(header) || !SEGMENT.test(payload) || !SEGMENT.test(mac)) return invalid('a part is not base64url');
  const problem = headerProblem(header);
  if (problem) return invalid(problem);
  if (mac.length !== MAC_CHARACTERS) return invalid('the MAC is not an HMAC-SHA256');
  // One spelling per MAC: the last character carries 2 unused bits, which decoders ignore, so four
  // spellings would decode to the same bytes. Only the canonical one (unused bits zero) is accepted.
  const macBytes = Buffer.from(mac, 'base64url');
  if (macBytes.toString('base64url') !== mac) return invalid('the MAC is not canonical base64url');
  // The MAC first: nothing of an unsigned payload is read.
  const signer = secrets.signs(`${header}.${payload}`, macBytes);
  if (!signer) return invalid('no app secret signed it');
  const claims = decodeJson(payload);
  if (!isObject(claims)) return invalid('the payload is not a JSON object');
  if (typeof claims.exp === 'number' && nowS > claims.exp + LEEWAY_S) return invalid('it has expired (exp)');
  if (typeof claims.nbf === 'number' && nowS + LEEWAY_S < claims.nbf) return invalid('it is not valid yet (nbf)');
  const claimed = claims.flow_token;
  if (typeof claimed !== 'string') {
    // Claim names only, never values: says what Meta's payload holds if it ever names the token otherwise.
    return invalid(
      `the payload has no flow_token (claims: ${
        Object.keys(claims)
          .slice(0, 10)
          .map((name) => name.slice(0, 32))
          .join(', ') || 'none'
      })`,
    );
  }
  // Both values come from the request itself (its token, and the one its signature names): nothing
  // secret to time, so a plain comparison, not a constant-time one.
  const requested = flowToken;
  if (claimed !== requested) return { outcome: 'mismatch', signedWith: signer.label };
  return { outcome: 'valid', signedWith: signer.label };
}
