import { AppError } from '@huimin/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AfterAck } from '../after-ack.ts';
import { isEventId, publishedEventId } from '../domain/event-id.ts';
import type { ReceiptStore } from '../store/receipt-store.ts';
import { ErrorBody, Receipts, readHeaders } from './api-schemas.ts';
import { dependency, type RequestGuard } from './request-guard.ts';

const MAX_RECEIPTS = 20_000;
const RECEIPT_WAIT_MS = 5_000;
const EMPTY = Buffer.alloc(0);

/**
 * GET /v1/receipts/{id}: what became of a department's own submission, by the Idempotency-Key it
 * used (a single event or a whole batch) or by an event id. Above all for the request that timed
 * out: the department knows the key even when it never got an answer. Another department's
 * receipts are indistinguishable from none (404).
 */
export async function registerReceiptRoutes(
  app: FastifyInstance,
  options: { guard: RequestGuard; store: ReceiptStore; afterAck: AfterAck },
): Promise<void> {
  const { guard, store, afterAck } = options;
  app.get<{ Params: { id: string } }>(
    '/v1/receipts/:id',
    {
      validatorCompiler: () => () => true,
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        const credential = await guard.authenticate(request, 'receipts');
        await guard.limitRate(reply, credential, 'live', 1, 'receipts');
      },
      schema: {
        summary: "A department's receipts for one submission or event",
        tags: ['receipts'],
        headers: readHeaders,
        params: {
          type: 'object',
          properties: { id: { type: 'string', description: 'Idempotency-Key or event id' } },
        },
        response: { 200: Receipts, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => {
      const credential = guard.credentialOf(request);
      await guard.checkSignature(request, credential, EMPTY, 'receipts');
      const { id } = request.params;
      if (!isEventId(id)) throw new AppError('BAD_REQUEST', 'not an Idempotency-Key or event id');
      // Receipts are written just after the answer: whatever this replica answered before this
      // read is written before it looks.
      if (!(await afterAck.flushed(RECEIPT_WAIT_MS))) {
        throw new AppError('UNAVAILABLE', 'receipts are waiting to be written; retry shortly');
      }
      const rows = await dependency(() => store.find(credential.department, id, MAX_RECEIPTS + 1));
      if (rows.length === 0)
        throw new AppError('RECEIPT_NOT_FOUND', 'this department has no receipt under that id');
      return {
        id,
        truncated: rows.length > MAX_RECEIPTS,
        receipts: rows.slice(0, MAX_RECEIPTS).map((row) => ({
          submissionId: row.submissionId,
          line: row.line,
          id: row.eventId,
          ceId:
            row.eventId !== null && (row.outcome === 'accepted' || row.outcome === 'duplicate')
              ? publishedEventId(credential.department, row.eventId)
              : null,
          type: row.type,
          bodySha256: row.bodySha256?.toString('hex') ?? null,
          receivedAt: row.receivedAt.toISOString(),
          outcome: row.outcome,
          reason: row.reason,
        })),
      };
    },
  );
}
