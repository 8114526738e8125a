import { createHmac, timingSafeEqual } from 'node:crypto';

// Request signing, for departments that have it switched on: HMAC-SHA256 with the credential's
// signing secret over the timestamp, a nonce, the method, the path and the raw body:
//
//   signed = `${t}\n${n}\n${METHOD}\n${path}\n` + raw body bytes
//   X-Huimin-Signature: t=<unix seconds>,n=<nonce>,v1=<lower-case hex HMAC>
//
// The timestamp bounds how long a captured request stays usable (the tolerance, 5 minutes); the
// method and path bind the body to the event type it was meant for; replays inside the tolerance
// are caught by remembering every accepted signature for as long as it could be valid. The nonce
// (fresh random text per request) is what lets a sender retry the very same body within the same
// second: the retry's signature differs, so it is not mistaken for a replay.

export const SIGNATURE_HEADER = 'x-huimin-signature';

export type SignatureRejection = 'missing' | 'malformed' | 'stale' | 'mismatch';

export type SignatureCheck =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; reason: SignatureRejection };

const HEADER = /^t=(\d{1,12}),n=([A-Za-z0-9_-]{16,64}),v1=([0-9a-f]{64})$/;

export interface SignedRequest {
  secret: string;
  timestamp: number;
  /** 16–64 characters of A–Z a–z 0–9 _ -, new for every request. */
  nonce: string;
  method: string;
  path: string;
  body: Uint8Array;
}

export function signRequest(input: SignedRequest): string {
  const hmac = createHmac('sha256', input.secret);
  hmac.update(`${input.timestamp}\n${input.nonce}\n${input.method.toUpperCase()}\n${input.path}\n`);
  hmac.update(input.body);
  return hmac.digest('hex');
}

/** The header value a department sends (also what the README's worked example computes). */
export function signatureHeader(input: SignedRequest): string {
  return `t=${input.timestamp},n=${input.nonce},v1=${signRequest(input)}`;
}

/** The parts of a well-formed header (nothing verified yet), or undefined. */
export function parseSignatureHeader(header: string): { timestamp: number; signature: string } | undefined {
  const match = HEADER.exec(header.trim());
  if (!match) return undefined;
  return { timestamp: Number(match[1]), signature: match[3] ?? '' };
}

export function verifySignature(input: {
  header: string | undefined;
  secret: string;
  method: string;
  path: string;
  body: Uint8Array;
  nowSeconds: number;
  toleranceSeconds: number;
}): SignatureCheck {
  if (input.header === undefined || input.header === '') return { ok: false, reason: 'missing' };
  const match = HEADER.exec(input.header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const timestamp = Number(match[1]);
  const nonce = match[2] ?? '';
  const given = match[3] ?? '';
  // Clocks disagree a little both ways; anything further off is a stale or pre-made request.
  if (Math.abs(input.nowSeconds - timestamp) > input.toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = signRequest({ ...input, timestamp, nonce });
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'))) {
    return { ok: false, reason: 'mismatch' };
  }
  return { ok: true, timestamp, signature: given };
}
