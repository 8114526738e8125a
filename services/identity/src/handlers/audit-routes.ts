import { authenticate, requireRole, userOf } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.ts';
import { ErrorBody, Instant } from './schemas.ts';

const AuditQuery = Type.Object({
  actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  service: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' })),
  subjectType: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  before: Type.Optional(
    Type.String({ maxLength: 200, description: 'the `next` cursor of the previous page' }),
  ),
});
const Read = Type.Object({
  readId: Type.String(),
  actorId: Type.String(),
  actorRole: Type.String(),
  service: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  view: Type.String(),
  purpose: Type.String(),
  readAt: Instant,
});

/** The audit of reads for auditors: who read whose record, where, when and why. Newest first. */
export function auditRoutes(server: FastifyInstance, context: RouteContext): void {
  const auth = authenticate(context.verifier);

  server.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/v1/audit/reads',
    {
      schema: {
        tags: ['audit'],
        summary: 'Reads of personal records, newest first (auditors)',
        querystring: AuditQuery,
        response: {
          200: Type.Object({ reads: Type.Array(Read), next: Type.Optional(Type.String()) }),
          400: ErrorBody,
          403: ErrorBody,
        },
      },
      preHandler: [auth, requireRole('auditor')],
    },
    async (request) => {
      const q = request.query;
      const reads = await context.audit.query({
        actorId: q.actorId,
        service: q.service,
        subjectType: q.subjectType,
        subjectId: q.subjectId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        before: q.before ? decodeCursor(q.before) : undefined,
        limit: q.limit,
      });
      // The auditor's own look is on record in the log (ids only).
      request.log.info({ auditorId: userOf(request).userId, rows: reads.length }, 'audit of reads queried');
      const last = reads.at(-1);
      return {
        reads: reads.map((r) => ({ ...r, readAt: r.readAt.toISOString() })),
        ...(last && reads.length === q.limit ? { next: encodeCursor(last.readAt, last.readId) } : {}),
      };
    },
  );
}

function encodeCursor(readAt: Date, readId: string): string {
  return Buffer.from(JSON.stringify([readAt.toISOString(), readId])).toString('base64url');
}

function decodeCursor(cursor: string): { readAt: Date; readId: string } {
  try {
    const [readAt, readId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    const at = new Date(String(readAt));
    if (typeof readId === 'string' && !Number.isNaN(at.getTime())) return { readAt: at, readId };
  } catch {
    // fall through to the error below
  }
  throw new AppError('BAD_REQUEST', 'before is not a cursor this endpoint gave out');
}
