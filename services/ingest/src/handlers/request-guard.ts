import { AppError } from '@huimin/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Credential, CredentialDirectory } from '../credential-directory.ts';
import { isEventId } from '../domain/event-id.ts';
import { parseSignatureHeader, SIGNATURE_HEADER, verifySignature } from '../domain/signature.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { Limit, RateLimiter } from '../store/rate-limiter.ts';
import { type ReplayGuard, replayKey } from '../store/replay-guard.ts';

// The checks every request passes before its events are looked at, in the order a hostile
// request meets them: who is it (401), may it send this (403, in the routes), is it within its
// rate (429), is it signed when it must be (401).

export interface GuardOptions {
  directory: CredentialDirectory;
  rateLimiter: RateLimiter;
  replayGuard: ReplayGuard;
  metrics: IngestMetrics;
  signatureToleranceSeconds: number;
  now: () => Date;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createRequestGuard(options: GuardOptions) {
  const credentials = new WeakMap<FastifyRequest, Credential>();

  function refuseRate(
    reply: FastifyReply,
    credential: Credential,
    lane: 'live' | 'bulk',
    retryAfterSeconds: number,
    typeLabel: string,
  ): never {
    options.metrics.refused(credential.department, typeLabel, 'RATE_LIMITED');
    reply.header('retry-after', String(retryAfterSeconds));
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `the ${lane === 'live' ? 'single-event' : 'batch'} rate limit of this department is reached; retry after ${retryAfterSeconds} s`,
    );
  }

  return {
    /** onRequest hook: the API key in `Authorization: Bearer <key>`, before any body is read. */
    async authenticate(request: FastifyRequest, typeLabel: string): Promise<Credential> {
      const header = request.headers.authorization;
      const apiKey = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
      if (apiKey === undefined) {
        options.metrics.refused('unknown', typeLabel, 'MISSING_CREDENTIALS');
        throw new AppError('UNAUTHENTICATED', 'send the API key as "Authorization: Bearer <key>"');
      }
      const credential = options.directory.authenticate(apiKey);
      if (credential === undefined) {
        options.metrics.refused('unknown', typeLabel, 'INVALID_CREDENTIALS');
        // One message for unknown, revoked and expired keys: which one it was is nobody's business.
        throw new AppError('UNAUTHENTICATED', 'the API key is not valid');
      }
      credentials.set(request, credential);
      return credential;
    },

    credentialOf(request: FastifyRequest): Credential {
      const credential = credentials.get(request);
      if (credential === undefined) throw new Error('request was not authenticated');
      return credential;
    },

    /** Spends `cost` from the department's bucket for this class of traffic. */
    async limitRate(
      reply: FastifyReply,
      credential: Credential,
      lane: 'live' | 'bulk',
      cost: number,
      typeLabel: string,
    ): Promise<void> {
      const limit: Limit = lane === 'live' ? credential.live : credential.bulk;
      const decision = await dependency(() =>
        options.rateLimiter.take(`${credential.department}:${lane}`, limit, Math.min(cost, limit.burst)),
      );
      if (!decision.allowed) refuseRate(reply, credential, lane, decision.retryAfterSeconds, typeLabel);
    },

    refuseRate,

    /**
     * For the admission script, which records the signature in the request's one Redis round trip:
     * the replay-guard key of a signature that is well-formed and fresh (a malformed, stale or
     * missing one is refused by checkSignature without being remembered).
     */
    signatureToRemember(request: FastifyRequest, credential: Credential): string | undefined {
      if (!credential.signingRequired) return undefined;
      const header = request.headers[SIGNATURE_HEADER];
      const parsed = typeof header === 'string' ? parseSignatureHeader(header) : undefined;
      if (parsed === undefined) return undefined;
      const nowSeconds = Math.floor(options.now().getTime() / 1000);
      if (Math.abs(nowSeconds - parsed.timestamp) > options.signatureToleranceSeconds) return undefined;
      return replayKey(credential.keyId, parsed.signature);
    },

    /**
     * For departments that sign: a fresh, correct signature seen for the first time. `firstSighting`
     * is the admission script's answer when it already recorded the signature.
     */
    async checkSignature(
      request: FastifyRequest,
      credential: Credential,
      body: Buffer,
      typeLabel: string,
      firstSighting?: boolean,
    ) {
      if (!credential.signingRequired) return;
      const header = request.headers[SIGNATURE_HEADER];
      const check = verifySignature({
        header: typeof header === 'string' ? header : undefined,
        secret: credential.signingSecret,
        method: request.method,
        path: request.url,
        body,
        nowSeconds: Math.floor(options.now().getTime() / 1000),
        toleranceSeconds: options.signatureToleranceSeconds,
      });
      let reason: string | undefined;
      if (!check.ok) reason = check.reason;
      else if (
        !(
          firstSighting ??
          (await dependency(() => options.replayGuard.firstSighting(credential.keyId, check.signature)))
        )
      ) {
        reason = 'replayed';
      }
      if (reason !== undefined) {
        options.metrics.refused(credential.department, typeLabel, `SIGNATURE_${reason.toUpperCase()}`);
        throw new AppError('SIGNATURE_INVALID', signatureMessage(reason), { reason });
      }
    },
  };
}

export type RequestGuard = ReturnType<typeof createRequestGuard>;

function signatureMessage(reason: string): string {
  switch (reason) {
    case 'missing':
      return 'this department signs its requests: send X-Huimin-Signature: t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256>';
    case 'malformed':
      return 'X-Huimin-Signature must read t=<unix seconds>,n=<16–64 of A-Z a-z 0-9 _ ->,v1=<64 lower-case hex digits>';
    case 'stale':
      return 'the signature timestamp is more than 5 minutes from now; sign each request (and each retry) as you send it';
    case 'replayed':
      return 'this exact signed request was received before; sign each retry anew, with a new nonce';
    default:
      return 'the signature does not match the request';
  }
}

/** The Idempotency-Key header: required, and shaped like an event id. */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const value = request.headers['idempotency-key'];
  if (typeof value !== 'string' || !isEventId(value)) {
    throw new AppError(
      'IDEMPOTENCY_KEY_INVALID',
      'send an Idempotency-Key header: 1–96 characters of A–Z a–z 0–9 . _ : - , starting with a letter or digit',
    );
  }
  return value;
}

/** The media type without parameters, lower-cased. */
export function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Runs a call to Redis or Postgres: if it fails, the caller gets 503 (outcome unknown, retry with
 * the same key), never a 500 that looks like their fault or ours.
 */
export async function dependency<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err: unknown) {
    if (err instanceof AppError) throw err;
    const unavailable = new AppError(
      'UNAVAILABLE',
      'ingest cannot reach a store it needs; the outcome is unknown, retry with the same Idempotency-Key',
    );
    // The kit logs 5xx errors with their cause; the caller sees only the code and the request id.
    unavailable.cause = err;
    throw unavailable;
  }
}
