import { hash } from 'node:crypto';
import { type EventType, events } from '@huimin/contracts';
import { AppError, type Logger } from '@huimin/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AfterAck } from '../after-ack.ts';
import type { Credential } from '../credential-directory.ts';
import { readLine, splitNdjson } from '../domain/batch-lines.ts';
import { checkEvent, type Problem } from '../domain/check-event.ts';
import { type Grant, grantFor, ingestibleTypes } from '../domain/departments.ts';
import { isEventId } from '../domain/event-id.ts';
import { shanghaiDay } from '../domain/shanghai-day.ts';
import type { Candidate, Intake, IntakeResult } from '../intake.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { AdmissionGate } from '../store/admission.ts';
import { type IdempotencyStore, idempotencyKey, type Reservation } from '../store/idempotency-store.ts';
import type { Receipt, ReceiptOutcome } from '../store/receipt-store.ts';
import { Accepted, BatchResult, ErrorBody, eventHeaders, lineSchema } from './api-schemas.ts';
import { dependency, idempotencyKeyOf, mediaTypeOf, type RequestGuard } from './request-guard.ts';

export interface EventRouteOptions {
  guard: RequestGuard;
  intake: Intake;
  afterAck: AfterAck;
  admission: AdmissionGate;
  idempotency: IdempotencyStore;
  metrics: IngestMetrics;
  logger: Logger;
  now: () => Date;
  maxEventBytes: number;
  maxBatchBytes: number;
  maxBatchLines: number;
  bulkConcurrency: number;
  /** How long a seen signature is remembered (replay-guard.ts). */
  signatureTtlSeconds: number;
}

type LineCode =
  | 'MALFORMED_LINE'
  | 'DUPLICATE_ID'
  | 'EVENT_INVALID'
  | 'NOT_PERMITTED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_FLIGHT';

interface LineResult {
  line: number;
  id?: string;
  status: 'accepted' | 'rejected' | 'unknown';
  ceId?: string;
  receivedAt?: string;
  replayed?: boolean;
  code?: LineCode;
  problems?: Problem[];
}

const EMPTY = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });
// Batches are checked in slices, yielding between them, so a 10,000-line batch never holds the
// event loop long enough to delay the live single-event requests sharing this replica.
const LINES_PER_SLICE = 250;

// Validation is ours (the contract's validateEvent reports a JSON pointer per problem and runs the
// producer rules); fastify's own validator only sees the schemas as documentation.
const documentationOnly = () => () => true;

/**
 * POST /v1/events/{type} and POST /v1/events/{type}/batch, one pair of routes per event type a
 * department may send, so the OpenAPI document shows each type with its contract schema.
 */
export async function registerEventRoutes(app: FastifyInstance, options: EventRouteOptions): Promise<void> {
  const { guard, intake, afterAck, admission, idempotency, metrics, now } = options;
  let batchesRunning = 0;
  /** What a single-event request's admission found: its signature's first sighting, its event id. */
  const admitted = new WeakMap<FastifyRequest, { firstSighting?: boolean; reservation?: Reservation }>();

  // Bodies stay raw bytes: the signature covers them exactly, and the receipt hashes them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );

  async function audit(credential: Credential, type: string, request: FastifyRequest): Promise<void> {
    const key = request.headers['idempotency-key'];
    metrics.refused(credential.department, type, 'NOT_PERMITTED');
    options.logger.warn(
      { department: credential.department, keyId: credential.keyId, type, requestId: request.id },
      'event type outside the department grant refused',
    );
    afterAck.record([
      {
        kind: 'receipt',
        receipt: {
          department: credential.department,
          submissionId: typeof key === 'string' && isEventId(key) ? key : '',
          line: null,
          eventId: null,
          type,
          bodySha256: null,
          receivedAt: now(),
          outcome: 'not-permitted',
          reason: 'TYPE_NOT_GRANTED',
        },
      },
    ]);
  }

  function admit(type: EventType) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const credential = await guard.authenticate(request, type);
      const granted = grantFor(credential.department, type) !== undefined;
      // A refused attempt costs a live token, so refusals (and their audit rows) are rate-limited.
      // A granted one pays in admitSingle (single events: one Redis round trip with the rest) or in
      // the handler (a batch's cost is its line count, known once the body is read).
      if (!granted) {
        await guard.limitRate(reply, credential, 'live', 1, type);
        await audit(credential, type, request);
        throw new AppError('NOT_PERMITTED', 'this department may not send this event type');
      }
    };
  }

  /**
   * preHandler of a single-event POST: the request's one Redis round trip (admission.ts) spends
   * its live token, records its signature and reserves its event id. After the body is read, so a
   * body refused by the parser (size, media type) never holds a reservation.
   */
  async function admitSingle(request: FastifyRequest, reply: FastifyReply, type: EventType): Promise<void> {
    const credential = guard.credentialOf(request);
    const header = request.headers['idempotency-key'];
    const eventId = isEventId(header) ? header : undefined;
    const signatureKey = guard.signatureToRemember(request, credential);
    const pending = idempotency.pendingMark();
    const key = eventId === undefined ? undefined : idempotencyKey(credential.department, eventId);
    const decision = await dependency(() =>
      admission.admit({
        bucket: `${credential.department}:live`,
        ratePerSecond: credential.live.ratePerSecond,
        burst: credential.live.burst,
        cost: 1,
        ...(signatureKey === undefined
          ? {}
          : { signatureKey, signatureTtlSeconds: options.signatureTtlSeconds }),
        ...(key === undefined ? {} : { idempotency: { key, pending, pendingMs: idempotency.pendingMs } }),
      }),
    );
    if (!decision.allowed)
      return guard.refuseRate(reply, credential, 'live', decision.retryAfterSeconds, type);
    admitted.set(request, {
      ...(decision.signatureFresh === undefined ? {} : { firstSighting: decision.signatureFresh }),
      ...(key === undefined || decision.previous === undefined
        ? {}
        : { reservation: idempotency.reservationOf(key, decision.previous, pending) }),
    });
  }

  for (const type of ingestibleTypes) {
    const definition = events[type];
    const payloadSchema = JSON.parse(JSON.stringify(definition.schema));
    const tags = [definition.topic.name];
    app.post(
      `/v1/events/${type}`,
      {
        bodyLimit: options.maxEventBytes,
        validatorCompiler: documentationOnly,
        onRequest: admit(type),
        preHandler: (request, reply) => admitSingle(request, reply, type),
        schema: {
          summary: `${definition.name}: one event`,
          description: `${definition.description}\n\nBody: the payload as JSON. The Idempotency-Key is the event id.`,
          tags,
          headers: eventHeaders,
          body: { ...payloadSchema, example: definition.example },
          response: { 202: Accepted, '4xx': ErrorBody, '5xx': ErrorBody },
        },
      },
      (request, reply) => single(type, request, reply),
    );
    app.post(
      `/v1/events/${type}/batch`,
      {
        bodyLimit: options.maxBatchBytes,
        validatorCompiler: documentationOnly,
        onRequest: admit(type),
        schema: {
          summary: `${definition.name}: NDJSON batch`,
          description: `Up to ${options.maxBatchLines} lines, each \`{"id": "<event id>", "data": {…payload…}}\`, each checked on its own: good lines are published, bad lines are reported.`,
          tags,
          headers: eventHeaders,
          body: {
            content: {
              'application/x-ndjson': {
                schema: {
                  ...lineSchema(payloadSchema),
                  example: { id: 'evt-0001', data: definition.example },
                },
              },
            },
          },
          response: { 200: BatchResult, '4xx': ErrorBody, '5xx': ErrorBody },
        },
      },
      (request, reply) => batch(type, request, reply),
    );
  }

  // Any other type: authenticated callers learn it does not exist; nothing is read.
  for (const path of ['/v1/events/:type', '/v1/events/:type/batch']) {
    app.post(path, {
      schema: { hide: true },
      onRequest: async (request) => {
        await guard.authenticate(request, 'unknown');
        throw new AppError('UNKNOWN_EVENT_TYPE', 'no such feed; /docs lists the event types ingest accepts');
      },
      handler: async () => undefined,
    });
  }

  async function single(type: EventType, request: FastifyRequest, reply: FastifyReply) {
    const { firstSighting, reservation } = admitted.get(request) ?? {};
    let handedOver = false;
    try {
      return await singleAdmitted(type, request, reply, firstSighting, reservation, () => {
        handedOver = true;
      });
    } finally {
      // Refused before publishing: the id is free again at once, so the corrected event may use it.
      if (!handedOver && reservation?.state === 'reserved') await reservation.release().catch(() => {});
    }
  }

  async function singleAdmitted(
    type: EventType,
    request: FastifyRequest,
    reply: FastifyReply,
    firstSighting: boolean | undefined,
    reservation: Reservation | undefined,
    handOver: () => void,
  ) {
    const credential = guard.credentialOf(request);
    const grant = grantFor(credential.department, type) as Grant;
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    await guard.checkSignature(request, credential, body, type, firstSighting);
    if (mediaTypeOf(request) !== 'application/json') {
      metrics.refused(credential.department, type, 'UNSUPPORTED_MEDIA_TYPE');
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'send one event as application/json (batches go to …/batch)',
      );
    }
    const id = idempotencyKeyOf(request);
    const receivedAt = now();
    const bodySha256 = sha256(body);
    const receipt = (outcome: ReceiptOutcome, reason: string | null): Receipt => ({
      department: credential.department,
      submissionId: id,
      line: null,
      eventId: id,
      type,
      bodySha256,
      receivedAt,
      outcome,
      reason,
    });

    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(body));
    } catch (_err: unknown) {
      record([receipt('rejected', 'MALFORMED_JSON')]);
      metrics.event(credential.department, type, 'rejected', 'MALFORMED_JSON');
      throw new AppError('MALFORMED_JSON', 'the body is not valid JSON in UTF-8');
    }
    const check = checkEvent(type, payload, grant, shanghaiDay(receivedAt));
    if (!check.ok) {
      const code = check.verdict === 'invalid' ? 'EVENT_INVALID' : 'NOT_PERMITTED';
      record([receipt(check.verdict === 'invalid' ? 'rejected' : 'not-permitted', code)]);
      metrics.event(
        credential.department,
        type,
        check.verdict === 'invalid' ? 'rejected' : 'not-permitted',
        code,
      );
      throw new AppError(
        code,
        check.verdict === 'invalid'
          ? 'the event does not meet its contract; details lists every problem'
          : 'this department may not send this event; details says which field',
        check.problems,
      );
    }

    const fingerprint = fingerprintOf(type, bodySha256);
    const candidate: Candidate = {
      id,
      payload: check.payload,
      fingerprint,
      receipt: { submissionId: id, line: null, bodySha256 },
    };
    if (reservation !== undefined) handOver();
    const [result] = await dependency(() =>
      intake.publish(
        { department: credential.department, definition: events[type], lane: 'live', receivedAt },
        [candidate],
        reservation === undefined ? undefined : [reservation],
      ),
    );
    switch (result?.status) {
      case 'accepted': {
        const outcome = result.replayed ? 'duplicate' : 'accepted';
        // Written after the answer, in a batch with other requests' (after-ack.ts).
        record([receipt(outcome, null)]);
        metrics.event(credential.department, type, outcome, '');
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(202).send({
          status: 'accepted',
          id,
          ceId: result.ceId,
          type,
          receivedAt: result.receivedAt.toISOString(),
          replayed: result.replayed,
        });
      }
      case 'rejected':
        metrics.event(credential.department, type, 'rejected', result.code);
        if (result.code === 'IDEMPOTENCY_KEY_IN_FLIGHT') {
          reply.header('retry-after', '1');
          throw new AppError(
            result.code,
            'a request with this Idempotency-Key is being processed; retry shortly',
          );
        }
        record([receipt('rejected', result.code)]);
        throw new AppError(
          result.code,
          'this Idempotency-Key was accepted before for a different event type or body; use a new key for a new event',
        );
      default:
        throw new AppError(
          'UNAVAILABLE',
          'publishing failed; the outcome is unknown: retry with the same Idempotency-Key',
        );
    }
  }

  async function batch(type: EventType, request: FastifyRequest, reply: FastifyReply) {
    const credential = guard.credentialOf(request);
    const grant = grantFor(credential.department, type) as Grant;
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    await guard.checkSignature(request, credential, body, type);
    if (mediaTypeOf(request) !== 'application/x-ndjson') {
      metrics.refused(credential.department, type, 'UNSUPPORTED_MEDIA_TYPE');
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'send a batch as application/x-ndjson, one event per line',
      );
    }
    const submissionId = idempotencyKeyOf(request);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch (_err: unknown) {
      metrics.refused(credential.department, type, 'MALFORMED_BODY');
      throw new AppError('MALFORMED_JSON', 'the body is not valid UTF-8');
    }
    const lines = splitNdjson(text);
    if (lines.length === 0) {
      metrics.refused(credential.department, type, 'EMPTY_BATCH');
      throw new AppError('BAD_REQUEST', 'the batch has no lines');
    }
    if (lines.length > options.maxBatchLines) {
      metrics.refused(credential.department, type, 'BATCH_TOO_LARGE');
      throw new AppError('BATCH_TOO_LARGE', `a batch holds at most ${options.maxBatchLines} lines; split it`);
    }
    if (batchesRunning >= options.bulkConcurrency) {
      metrics.refused(credential.department, type, 'BULK_BUSY');
      reply.header('retry-after', '1');
      throw new AppError('TOO_MANY_REQUESTS', 'this replica is busy with other batches; retry shortly');
    }
    batchesRunning++;
    try {
      await guard.limitRate(reply, credential, 'bulk', lines.length, type);
      return await processBatch(type, grant, credential, submissionId, lines, reply);
    } finally {
      batchesRunning--;
    }
  }

  async function processBatch(
    type: EventType,
    grant: Grant,
    credential: Credential,
    submissionId: string,
    lines: { line: number; text: string }[],
    reply: FastifyReply,
  ) {
    const department = credential.department;
    const receivedAt = now();
    const today = shanghaiDay(receivedAt);
    const results: LineResult[] = new Array(lines.length);
    const hashes: Buffer[] = new Array(lines.length);
    const candidates: Candidate[] = [];
    const candidateIndex: number[] = [];
    const seen = new Set<string>();

    for (let i = 0; i < lines.length; i++) {
      if (i > 0 && i % LINES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const { line, text } = lines[i] as { line: number; text: string };
      const hash = sha256(text);
      hashes[i] = hash;
      const envelope = readLine(text);
      if (!envelope.ok) {
        results[i] = {
          line,
          ...(envelope.id ? { id: envelope.id } : {}),
          status: 'rejected',
          code: 'MALFORMED_LINE',
          problems: envelope.problems,
        };
        continue;
      }
      const { id } = envelope;
      if (seen.has(id)) {
        results[i] = {
          line,
          id,
          status: 'rejected',
          code: 'DUPLICATE_ID',
          problems: [
            {
              pointer: '/id',
              code: 'DUPLICATE_ID',
              message: 'an earlier line of this batch has the same id',
            },
          ],
        };
        continue;
      }
      seen.add(id);
      const check = checkEvent(type, envelope.data, grant, today);
      if (!check.ok) {
        results[i] = {
          line,
          id,
          status: 'rejected',
          code: check.verdict === 'invalid' ? 'EVENT_INVALID' : 'NOT_PERMITTED',
          problems: check.problems.map((p) => ({ ...p, pointer: `/data${p.pointer}` })),
        };
        continue;
      }
      candidates.push({
        id,
        payload: check.payload,
        fingerprint: fingerprintOf(type, hash),
        receipt: { submissionId, line, bodySha256: hash },
      });
      candidateIndex.push(i);
    }

    const published: IntakeResult[] = await dependency(() =>
      intake.publish({ department, definition: events[type], lane: 'bulk', receivedAt }, candidates),
    );
    published.forEach((result, k) => {
      const i = candidateIndex[k] as number;
      const { line } = lines[i] as { line: number };
      const id = candidates[k]?.id as string;
      switch (result.status) {
        case 'accepted':
          results[i] = {
            line,
            id,
            status: 'accepted',
            ceId: result.ceId,
            receivedAt: result.receivedAt.toISOString(),
            replayed: result.replayed,
          };
          break;
        case 'rejected':
          results[i] = {
            line,
            id,
            status: 'rejected',
            code: result.code,
            problems: [
              {
                pointer: '/id',
                code: result.code,
                message:
                  result.code === 'IDEMPOTENCY_KEY_REUSED'
                    ? 'this id was accepted before with different content'
                    : 'this id is being published by another request right now; retry shortly',
              },
            ],
          };
          break;
        default:
          results[i] = { line, id, status: 'unknown' };
      }
    });

    let accepted = 0;
    let rejected = 0;
    let unknown = 0;
    const receiptRows: Receipt[] = [];
    const counts = new Map<string, number>();
    results.forEach((result, i) => {
      if (result.status === 'unknown') {
        unknown++;
        return;
      }
      const outcome: ReceiptOutcome =
        result.status === 'accepted'
          ? result.replayed
            ? 'duplicate'
            : 'accepted'
          : result.code === 'NOT_PERMITTED'
            ? 'not-permitted'
            : 'rejected';
      if (result.status === 'accepted') accepted++;
      else rejected++;
      const reason = result.code ?? '';
      counts.set(`${outcome}|${reason}`, (counts.get(`${outcome}|${reason}`) ?? 0) + 1);
      receiptRows.push({
        department,
        submissionId,
        line: result.line,
        eventId: result.id ?? null,
        type,
        bodySha256: hashes[i] as Buffer,
        receivedAt,
        outcome,
        reason: result.code ?? null,
      });
    });
    for (const [key, count] of counts) {
      const [outcome = '', reason = ''] = key.split('|');
      metrics.event(department, type, outcome, reason, count);
    }
    record(receiptRows);
    if (unknown > 0) {
      throw new AppError(
        'UNAVAILABLE',
        `publishing failed for ${unknown} lines; their outcome is unknown: retry the batch with the same Idempotency-Key (accepted lines are not published again)`,
      );
    }
    return reply.code(200).send({ submissionId, lines: lines.length, accepted, rejected, results });
  }

  /** Receipts go out after the answer, in batches shared with other requests (after-ack.ts). */
  function record(rows: Receipt[]): void {
    afterAck.record(rows.map((receipt) => ({ kind: 'receipt', receipt })));
  }
}

function sha256(data: string | Buffer): Buffer {
  return hash('sha256', data, 'buffer');
}

/** What an event id is bound to: the event type and the bytes sent (a 128-bit prefix of their hash). */
function fingerprintOf(type: EventType, bodySha256: Buffer): string {
  return `${ingestibleTypes.indexOf(type).toString(36)}.${bodySha256.toString('hex', 0, 16)}`;
}
