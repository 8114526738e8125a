import { createHmac, randomBytes } from 'node:crypto';
import type { EventType } from '@huimin/contracts';
import type { Department } from './departments.ts';
import type { FeedEvent } from './generator/feed-event.ts';
import { SimulatorError } from './simulator-error.ts';

// Talks to ingest's HTTP API as a department's system would (services/ingest/README.md):
//   POST /v1/events/{type}        one event as JSON, Idempotency-Key = the event id → 202
//   POST /v1/events/{type}/batch  NDJSON lines {"id","data"}, Idempotency-Key names the batch → 200
// with `Authorization: Bearer <API key>`, and `X-Huimin-Signature` for departments that sign.
// A 5xx, a 429, a 409 "in flight" or a timeout means the outcome is unknown: the same request
// (same key, same bytes, signed afresh) is sent again, which ingest's contract makes safe.

export interface DepartmentCredential {
  apiKey: string;
  /** `hms_…`: when present, every request is signed. */
  signingSecret?: string;
}

export type Credentials = Partial<Record<Department, DepartmentCredential>>;

export interface Rejection {
  id: string;
  type: EventType;
  code: string;
  problems?: unknown;
}

export interface SendResult {
  accepted: number;
  /** Accepted before (a rerun, or a retry whose first attempt had landed): counted in `accepted` too. */
  replayed: number;
  rejected: Rejection[];
}

export interface IngestClient {
  /** One event, as the live trickle sends it. */
  sendOne(event: FeedEvent): Promise<SendResult>;
  /** Events of one type from one department, as one NDJSON batch. */
  sendBatch(department: Department, type: EventType, events: readonly FeedEvent[]): Promise<SendResult>;
}

export interface RetryNotice {
  attempt: number;
  reason: string;
  idempotencyKey: string;
  delayMs: number;
}

export interface HttpIngestClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  credentials: Credentials;
  /** Per attempt; a timeout counts as "outcome unknown" and is retried. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per request before giving up with INGEST_UNAVAILABLE. Default 8. */
  maxAttempts?: number;
  /** First retry delay; doubles each time up to 5 s (ingest's Retry-After wins when longer). Default 200 ms. */
  retryDelayMs?: number;
  onRetry?: (notice: RetryNotice) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

// 409 is ingest's "this key is being processed right now"; every 5xx leaves the outcome unknown.
const retryable = (status: number): boolean => status >= 500 || [408, 409, 425, 429].includes(status);

export function createHttpIngestClient(options: HttpIngestClientOptions): IngestClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => new Date());

  function credentialOf(department: Department): DepartmentCredential {
    const credential = options.credentials[department];
    if (!credential) {
      throw new SimulatorError('UNAUTHENTICATED', `no API key configured for the department ${department}`);
    }
    return credential;
  }

  /** Sends one request until it has a definite answer; returns the status and parsed body. */
  async function post(
    department: Department,
    path: string,
    contentType: string,
    body: string,
    idempotencyKey: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const credential = credentialOf(department);
    const bytes = Buffer.from(body, 'utf8');
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${credential.apiKey}`,
        'content-type': contentType,
        'idempotency-key': idempotencyKey,
      };
      // Signed afresh for every attempt: ingest refuses a stale or replayed signature.
      if (credential.signingSecret) {
        headers['x-huimin-signature'] = signatureHeader(credential.signingSecret, path, bytes, now());
      }
      let reason: string;
      let retryAfterMs = 0;
      try {
        const response = await doFetch(`${base}${path}`, {
          method: 'POST',
          headers,
          body: bytes,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (!retryable(response.status)) {
          return { status: response.status, body: parseBody(text, response.status) };
        }
        reason = `HTTP ${response.status}`;
        const retryAfter = Number(response.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
      } catch (err: unknown) {
        if (err instanceof SimulatorError) throw err;
        reason = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'connection failed';
      }
      if (attempt >= maxAttempts) {
        throw new SimulatorError(
          'INGEST_UNAVAILABLE',
          `ingest gave no definite answer after ${attempt} attempts (last: ${reason})`,
        );
      }
      const delayMs = Math.max(retryAfterMs, Math.min(5_000, retryDelayMs * 2 ** (attempt - 1)));
      options.onRetry?.({ attempt, reason, idempotencyKey, delayMs });
      await sleep(delayMs);
    }
  }

  function refusal(status: number, body: Record<string, unknown>): SimulatorError | undefined {
    if (status === 401) {
      return new SimulatorError(
        'UNAUTHENTICATED',
        `ingest refused the credentials: ${String(body.message ?? '')}`,
      );
    }
    return undefined;
  }

  return {
    async sendOne(event) {
      const path = `/v1/events/${event.type}`;
      const { status, body } = await post(
        event.department,
        path,
        'application/json',
        JSON.stringify(event.payload),
        event.id,
      );
      const fatal = refusal(status, body);
      if (fatal) throw fatal;
      if (status === 202) {
        const replayed = body.replayed === true ? 1 : 0;
        return { accepted: 1, replayed, rejected: [] };
      }
      return {
        accepted: 0,
        replayed: 0,
        rejected: [
          {
            id: event.id,
            type: event.type,
            code: String(body.code ?? `HTTP_${status}`),
            problems: body.details,
          },
        ],
      };
    },

    async sendBatch(department, type, events) {
      if (events.length === 0) return { accepted: 0, replayed: 0, rejected: [] };
      const path = `/v1/events/${type}/batch`;
      const ndjson = `${events.map((e) => JSON.stringify({ id: e.id, data: e.payload })).join('\n')}\n`;
      const first = events[0] as FeedEvent;
      // Names the submission; a retry sends the same bytes under the same key.
      const key = `batch-${first.id}-${events.length}`;
      const { status, body } = await post(department, path, 'application/x-ndjson', ndjson, key);
      const fatal = refusal(status, body);
      if (fatal) throw fatal;
      if (status !== 200) {
        // The whole batch was refused (not permitted, too large, …): every event counts as rejected.
        const code = String(body.code ?? `HTTP_${status}`);
        return {
          accepted: 0,
          replayed: 0,
          rejected: events.map((e) => ({ id: e.id, type, code, problems: body.message })),
        };
      }
      const results = body.results;
      if (!Array.isArray(results)) throw new SimulatorError('BAD_RESPONSE', 'a batch answer without results');
      const result: SendResult = { accepted: 0, replayed: 0, rejected: [] };
      for (const line of results as Record<string, unknown>[]) {
        if (line.status === 'accepted') {
          result.accepted++;
          if (line.replayed === true) result.replayed++;
        } else {
          const index = Number(line.line) - 1;
          result.rejected.push({
            id: String(line.id ?? events[index]?.id ?? ''),
            type,
            code: String(line.code ?? line.status),
            problems: line.problems,
          });
        }
      }
      return result;
    },
  };
}

/**
 * `X-Huimin-Signature: t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256>` over
 * `t\nnonce\nMETHOD\npath\n` + body, keyed with the signing secret as written (ingest's README).
 */
export function signatureHeader(
  secret: string,
  path: string,
  body: Uint8Array,
  at: Date,
  nonce: string = randomBytes(16).toString('hex'),
): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}\n${nonce}\nPOST\n${path}\n`);
  hmac.update(body);
  return `t=${timestamp},n=${nonce},v1=${hmac.digest('hex')}`;
}

function parseBody(text: string, status: number): Record<string, unknown> {
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch (_err: unknown) {
    // fall through: not JSON
  }
  throw new SimulatorError(
    'BAD_RESPONSE',
    `ingest answered HTTP ${status} with a body that is not a JSON object`,
  );
}
