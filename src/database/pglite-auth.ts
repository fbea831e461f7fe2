import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const MECHANISM = 'SCRAM-SHA-256';
// PostgreSQL's default; RFC 7677's minimum.
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** An `R` (Authentication) message of the given kind and payload. */
function authentication(kind: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const message = Buffer.alloc(9 + payload.length);
  message.write('R', 0);
  message.writeInt32BE(8 + payload.length, 1);
  message.writeInt32BE(kind, 5);
  payload.copy(message, 9);
  return message;
}

/** A FATAL ErrorResponse, as PostgreSQL sends it when a login fails. */
export function loginError(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, 'utf8');
  const message = Buffer.alloc(5 + fields.length);
  message.write('E', 0);
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

const REFUSED = loginError('28P01', 'password authentication failed');

export type AuthStep = { reply: Buffer; done: boolean } | { refused: Buffer };

/**
 * The server side of SCRAM-SHA-256 (RFC 5802 / 7677, as PostgreSQL speaks it) for one password:
 * a client proves it knows the password without sending it, and the server proves it back.
 */
export class ScramVerifier {
  private readonly salt = randomBytes(16);
  private readonly storedKey: Buffer;
  private readonly serverKey: Buffer;

  constructor(password: string) {
    const salted = pbkdf2Sync(password, this.salt, ITERATIONS, 32, 'sha256');
    this.storedKey = sha256(hmac(salted, 'Client Key'));
    this.serverKey = hmac(salted, 'Server Key');
  }

  /** One login: `challenge` goes out first, then each `p` message from the client goes to `next`. */
  begin(): { challenge: Buffer; next(message: Buffer): AuthStep } {
    let expect: 'initial' | 'final' | 'over' = 'initial';
    let clientFirstBare = '';
    let serverFirst = '';
    let nonce = '';
    let channelHeader = '';
    return {
      challenge: authentication(10, Buffer.from(`${MECHANISM}\0\0`)),
      next: (message) => {
        if (message[0] !== 0x70 /* 'p' */ || expect === 'over') return { refused: REFUSED };
        const body = message.subarray(5);
        if (expect === 'initial') {
          // SASLInitialResponse: mechanism\0, int32 length, client-first-message.
          const end = body.indexOf(0);
          if (end < 0 || body.subarray(0, end).toString() !== MECHANISM || body.length < end + 5) return { refused: REFUSED };
          const clientFirst = body.subarray(end + 5).toString('utf8');
          // Only "n,," (no channel binding) or "y,," (client could, server does not): what PostgreSQL accepts without TLS.
          const header = /^([ny]),,/.exec(clientFirst);
          const clientNonce = /(?:^|,)r=([^,]+)/.exec(clientFirst.slice(header?.[0].length ?? 0))?.[1];
          if (!header || !clientNonce) return { refused: REFUSED };
          channelHeader = header[0];
          clientFirstBare = clientFirst.slice(header[0].length);
          nonce = clientNonce + randomBytes(18).toString('base64');
          serverFirst = `r=${nonce},s=${this.salt.toString('base64')},i=${ITERATIONS}`;
          expect = 'final';
          return { reply: authentication(11, Buffer.from(serverFirst)), done: false };
        }
        expect = 'over';
        const clientFinal = body.toString('utf8');
        const proofAt = clientFinal.lastIndexOf(',p=');
        if (proofAt < 0) return { refused: REFUSED };
        const withoutProof = clientFinal.slice(0, proofAt);
        const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
        if (withoutProof !== `c=${Buffer.from(channelHeader).toString('base64')},r=${nonce}` || proof.length !== 32) {
          return { refused: REFUSED };
        }
        const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
        const signature = hmac(this.storedKey, authMessage);
        const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]));
        if (!timingSafeEqual(sha256(clientKey), this.storedKey)) return { refused: REFUSED };
        const serverSignature = hmac(this.serverKey, authMessage).toString('base64');
        return { reply: authentication(12, Buffer.from(`v=${serverSignature}`)), done: true };
      },
    };
  }
}
