import { randomUUID } from 'node:crypto';
import {
  authenticate,
  inJurisdiction,
  recordRead,
  requireRole,
  type TokenVerifier,
  type UserPrincipal,
  userOf,
} from '@huimin/auth';
import {
  isCalendarDate,
  shanghaiDateOf,
  TemporaryAssistanceApplied,
  TemporaryAssistanceApproved,
  TemporaryAssistanceEvidenceAttached,
  TemporaryAssistancePaid,
  TemporaryAssistanceRefused,
} from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type HttpServer, PhotoUnreadable, stripPhotoMetadata } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import { type Static, Type } from '@sinclair/typebox';
import type pg from 'pg';
import { APPROVER_ROLES, approvalsNeeded, judgeApproval } from '../domain/approval.ts';
import { refusalsOf } from '../domain/refusals.ts';
import {
  type Application,
  type ApplicationStatus,
  findApplication,
  insertApplication,
  lastGrantedOn,
  listApplications,
  nextApplicationId,
} from '../store/applications.ts';
import {
  type AlertDirectory,
  type AlertSummary,
  type EligibilityAdvisor,
  type Proposal,
  UpstreamUnavailable,
} from '../upstream/upstream.ts';

export const SERVICE = 'assistance';
const SOURCE = '/huimin/assistance';
/** Who opens applications and attaches evidence: the people who work alerts. */
const HANDLERS = ['case-handler', 'town-supervisor', 'bureau-admin'] as const;
const READERS = [...HANDLERS, 'auditor'] as const;
const CAUSES = ['major-illness', 'accident', 'disaster', 'death', 'rigid-expense'] as const;
const MAX_EVIDENCE_BYTES = 4 * 1024 * 1024;

const EVIDENCE_MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

const ProposalQuery = Type.Object(
  {
    alertId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' }),
    cause: Type.Union(CAUSES.map((c) => Type.Literal(c))),
    requestedFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  },
  { additionalProperties: false },
);
type ProposalQuery = Static<typeof ProposalQuery>;
const IdParams = Type.Object({ id: Type.String({ pattern: '^TA-\\d{4}-\\d{6}$' }) });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['pending', 'approved', 'refused', 'paid'].map((s) => Type.Literal(s)))),
    householdId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
const EvidenceBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('hospital-bill'), Type.Literal('photo'), Type.Literal('other')]),
    contentType: Type.Union(Object.keys(EVIDENCE_MAGIC).map((t) => Type.Literal(t))),
    dataBase64: Type.String({ minLength: 4, maxLength: Math.ceil((MAX_EVIDENCE_BYTES * 4) / 3) + 4 }),
  },
  { additionalProperties: false },
);
const RefuseBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const PaymentBody = Type.Object(
  {
    paymentReference: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$' }),
    paidOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  },
  { additionalProperties: false },
);

export interface RouteDeps {
  pool: pg.Pool;
  verifier: TokenVerifier;
  alerts: AlertDirectory;
  eligibility: EligibilityAdvisor;
  fourEyesAboveFen: number;
  now: () => Date;
}

/** What a handler sees before applying: the household from the alert, its reasons, the rule's proposal and its refusals. */
export interface ProposalView {
  alert: AlertSummary;
  reasons: string[];
  proposal: Proposal;
  refusals: { code: string; message: string }[];
  approvalsNeeded: number;
}

function view(a: Application) {
  return { ...a, refusals: refusalsOf(a.checks) };
}

export function registerRoutes(app: HttpServer, deps: RouteDeps): void {
  const { pool, now } = deps;
  const signedIn = authenticate(deps.verifier);

  async function upstream<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof UpstreamUnavailable) throw new AppError('UPSTREAM_UNAVAILABLE', err.message);
      throw err;
    }
  }

  /** The alert and the rule's answer: jurisdiction from the alert discovery holds, never from the request. */
  async function propose(me: UserPrincipal, q: ProposalQuery): Promise<ProposalView> {
    const alert = await upstream(() => deps.alerts.getAlert(q.alertId));
    if (!alert || !inJurisdiction(me, alert.communityCode))
      throw new AppError('ALERT_NOT_FOUND', `no alert ${q.alertId} about a household you may see`);
    const last = await lastGrantedOn(pool, alert.householdId);
    const proposal = await upstream(() =>
      deps.eligibility.propose({
        householdId: alert.householdId,
        cause: q.cause,
        requestedFen: q.requestedFen ?? 0,
        lastGrantedOn: last,
      }),
    );
    if (!proposal) throw new AppError('ALERT_NOT_FOUND', 'eligibility does not know the alert’s household');
    const amount = proposal.proposedFen || proposal.maximumFen;
    return {
      alert,
      reasons: alert.reasons.length > 0 ? alert.reasons : [alert.title || alert.type].filter(Boolean),
      proposal,
      refusals: refusalsOf(proposal.checks),
      approvalsNeeded: approvalsNeeded(amount, deps.fourEyesAboveFen),
    };
  }

  /** Loads an application the person may see, locked when it is to change; audits the read. */
  async function forPerson(
    client: pg.ClientBase,
    id: string,
    me: UserPrincipal,
    purpose: string,
    lock = false,
  ) {
    const a = await findApplication(client, id, { forUpdate: lock });
    if (!a || !inJurisdiction(me, a.communityCode))
      throw new AppError('APPLICATION_NOT_FOUND', `no application ${id} that you may see`);
    await recordRead(
      client,
      SERVICE,
      { reader: me, subjectType: 'household', subjectId: a.householdId, view: 'masked', purpose },
      now,
    );
    return a;
  }

  function requireStatus(a: Application, ...allowed: ApplicationStatus[]) {
    if (!allowed.includes(a.status))
      throw new AppError('INVALID_STATE', `the application is ${a.status}`, { status: a.status });
  }

  const caseFields = (a: Application) => ({
    applicationId: a.applicationId,
    householdId: a.householdId,
    communityCode: a.communityCode,
  });

  app.get(
    '/v1/proposals',
    {
      schema: {
        summary: 'What the rule allows the household of an alert, and why (nothing is stored)',
        querystring: ProposalQuery,
      },
      onRequest: [signedIn, requireRole(...HANDLERS)],
    },
    async (request) => {
      const me = userOf(request);
      const result = await propose(me, request.query as ProposalQuery);
      await withTransaction(pool, (client) =>
        recordRead(
          client,
          SERVICE,
          {
            reader: me,
            subjectType: 'household',
            subjectId: result.alert.householdId,
            view: 'masked',
            purpose: `temporary assistance for alert ${result.alert.alertId}`,
          },
          now,
        ),
      );
      return result;
    },
  );

  app.post(
    '/v1/applications',
    {
      schema: {
        summary: 'Open an application from an alert; refused with the rule’s reasons when it does not pass',
        body: ProposalQuery,
      },
      onRequest: [signedIn, requireRole(...HANDLERS)],
    },
    async (request, reply) => {
      const me = userOf(request);
      const q = request.body as ProposalQuery;
      const p = await propose(me, q);
      if (p.proposal.status !== 'eligible')
        throw new AppError('NOT_ELIGIBLE', p.refusals.map((r) => r.message).join('；'), {
          refusals: p.refusals,
          maximumFen: p.proposal.maximumFen,
          nextPossibleOn: p.proposal.nextPossibleOn || undefined,
        });
      const at = now();
      const created = await withTransaction(pool, async (client) => {
        const applicationId = await nextApplicationId(client, shanghaiDateOf(at).slice(0, 4));
        const amountFen = p.proposal.proposedFen;
        const application = {
          applicationId,
          alertId: p.alert.alertId,
          householdId: p.alert.householdId,
          communityCode: p.alert.communityCode,
          cause: q.cause,
          reasons: p.reasons,
          requestedFen: q.requestedFen ?? 0,
          amountFen,
          policyVersion: p.proposal.policyVersion,
          approvalLevel: p.proposal.approvalLevel,
          approvalsNeeded: approvalsNeeded(amountFen, deps.fourEyesAboveFen),
          checks: p.proposal.checks,
          status: 'pending' as const,
          appliedBy: me.userId,
          appliedAt: at.toISOString(),
        };
        await insertApplication(client, application);
        await recordRead(
          client,
          SERVICE,
          {
            reader: me,
            subjectType: 'household',
            subjectId: application.householdId,
            view: 'masked',
            purpose: `temporary assistance for alert ${p.alert.alertId}`,
          },
          now,
        );
        await appendEvent(
          client,
          TemporaryAssistanceApplied,
          {
            ...caseFields({ ...application } as Application),
            alertId: p.alert.alertId,
            cause: q.cause,
            requestedFen: application.requestedFen,
            proposedFen: amountFen,
            policyVersion: application.policyVersion,
            appliedBy: me.userId,
            appliedAt: application.appliedAt,
          },
          { source: SOURCE },
        );
        return findApplication(client, applicationId);
      });
      reply.code(201);
      return view(created as Application);
    },
  );

  app.get(
    '/v1/applications',
    {
      schema: {
        summary: 'Applications in your jurisdiction (status=pending: the approver’s queue)',
        querystring: ListQuery,
      },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async (request) => {
      const me = userOf(request);
      const q = request.query as Static<typeof ListQuery>;
      const mine = (
        await listApplications(pool, {
          ...(q.status ? { status: q.status as ApplicationStatus } : {}),
          ...(q.householdId ? { householdId: q.householdId } : {}),
        })
      ).filter((a) => inJurisdiction(me, a.communityCode));
      await withTransaction(pool, async (client) => {
        for (const householdId of new Set(mine.map((a) => a.householdId)))
          await recordRead(
            client,
            SERVICE,
            {
              reader: me,
              subjectType: 'household',
              subjectId: householdId,
              view: 'masked',
              purpose: 'temporary assistance list',
            },
            now,
          );
      });
      return { applications: mine.map(view) };
    },
  );

  app.get(
    '/v1/applications/:id',
    {
      schema: { summary: 'One application with its checks, approvals and evidence list', params: IdParams },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      return view(
        await withTransaction(pool, (client) => forPerson(client, id, me, `temporary assistance ${id}`)),
      );
    },
  );

  app.post(
    '/v1/applications/:id/evidence',
    {
      schema: {
        summary: 'Attach evidence (JPEG, PNG or PDF, 4 MiB; photos lose their location and other metadata)',
        params: IdParams,
        body: EvidenceBody,
      },
      onRequest: [signedIn, requireRole(...HANDLERS)],
      bodyLimit: Math.ceil((MAX_EVIDENCE_BYTES * 4) / 3) + 16_384,
    },
    async (request, reply) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const body = request.body as Static<typeof EvidenceBody>;
      let bytes: Buffer = Buffer.from(body.dataBase64, 'base64');
      if (bytes.length === 0 || bytes.length > MAX_EVIDENCE_BYTES)
        throw new AppError('INVALID_EVIDENCE', 'the file is empty or larger than 4 MiB');
      if (!EVIDENCE_MAGIC[body.contentType]?.(bytes))
        throw new AppError('INVALID_EVIDENCE', `the file is not a ${body.contentType}`);
      if (body.contentType !== 'application/pdf') {
        try {
          bytes = stripPhotoMetadata(body.contentType, bytes);
        } catch (err) {
          if (err instanceof PhotoUnreadable)
            throw new AppError('INVALID_EVIDENCE', `the file is not a readable ${body.contentType}`);
          throw err;
        }
      }
      const at = now();
      const evidenceId = `EV-${randomUUID()}`;
      await withTransaction(pool, async (client) => {
        const a = await forPerson(client, id, me, `evidence for ${id}`, true);
        requireStatus(a, 'pending');
        await client.query(
          `insert into evidence (evidence_id, application_id, kind, content_type, bytes, attached_by, attached_at)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [evidenceId, id, body.kind, body.contentType, bytes, me.userId, at],
        );
        await appendEvent(
          client,
          TemporaryAssistanceEvidenceAttached,
          {
            ...caseFields(a),
            evidenceId,
            kind: body.kind,
            contentType: body.contentType as 'image/jpeg',
            sizeBytes: bytes.length,
            attachedBy: me.userId,
            attachedAt: at.toISOString(),
          },
          { source: SOURCE },
        );
      });
      reply.code(201);
      return { evidenceId, sizeBytes: bytes.length };
    },
  );

  app.get(
    '/v1/applications/:id/evidence/:evidenceId',
    {
      schema: {
        summary: 'One piece of evidence',
        params: Type.Object({
          id: IdParams.properties.id,
          evidenceId: Type.String({ pattern: '^EV-[0-9a-f-]{36}$' }),
        }),
      },
      onRequest: [signedIn, requireRole(...READERS)],
    },
    async (request, reply) => {
      const me = userOf(request);
      const { id, evidenceId } = request.params as { id: string; evidenceId: string };
      const row = await withTransaction(pool, async (client) => {
        await forPerson(client, id, me, `evidence ${evidenceId}`);
        const { rows } = await client.query<{ content_type: string; bytes: Buffer }>(
          'select content_type, bytes from evidence where evidence_id = $1 and application_id = $2',
          [evidenceId, id],
        );
        return rows[0];
      });
      if (!row) throw new AppError('NOT_FOUND', 'no such evidence');
      return reply
        .header('content-type', row.content_type)
        .header('cache-control', 'private, no-store')
        .send(row.bytes);
    },
  );

  app.post(
    '/v1/applications/:id/approve',
    {
      schema: {
        summary: 'Approve (four eyes above the configured amount; the bureau above the rule’s town limit)',
        params: IdParams,
      },
      onRequest: [signedIn, requireRole(...APPROVER_ROLES)],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      return withTransaction(pool, async (client) => {
        const a = await forPerson(client, id, me, `approval of ${id}`, true);
        requireStatus(a, 'pending');
        const verdict = judgeApproval(me, a);
        if (!verdict.ok) throw new AppError(verdict.code, verdict.message);
        const at = now();
        await client.query(
          'insert into approvals (application_id, approver_id, approved_at) values ($1, $2, $3)',
          [id, me.userId, at],
        );
        if (verdict.approved)
          await client.query(
            `update applications set status = 'approved', updated_at = $2 where application_id = $1`,
            [id, at],
          );
        await appendEvent(
          client,
          TemporaryAssistanceApproved,
          {
            ...caseFields(a),
            amountFen: a.amountFen,
            approvedBy: me.userId,
            level: a.approvalLevel,
            approvalsGiven: a.approvedBy.length + 1,
            approvalsNeeded: a.approvalsNeeded,
            approvedAt: at.toISOString(),
          },
          { source: SOURCE },
        );
        return view((await findApplication(client, id)) as Application);
      });
    },
  );

  app.post(
    '/v1/applications/:id/refuse',
    {
      schema: {
        summary: 'Refuse, with the reason the household is told',
        params: IdParams,
        body: RefuseBody,
      },
      onRequest: [signedIn, requireRole(...APPROVER_ROLES)],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const { reason } = request.body as Static<typeof RefuseBody>;
      return withTransaction(pool, async (client) => {
        const a = await forPerson(client, id, me, `refusal of ${id}`, true);
        requireStatus(a, 'pending');
        if (a.appliedBy === me.userId)
          throw new AppError('SECOND_APPROVER_REQUIRED', '不能审批本人提交的申请，请由其他审批人审批');
        const at = now();
        await client.query(
          `update applications set status = 'refused', refused_by = $2, refusal_reason = $3, updated_at = $4 where application_id = $1`,
          [id, me.userId, reason, at],
        );
        await appendEvent(
          client,
          TemporaryAssistanceRefused,
          { ...caseFields(a), refusedBy: me.userId, reason, refusedAt: at.toISOString() },
          { source: SOURCE },
        );
        return view((await findApplication(client, id)) as Application);
      });
    },
  );

  app.post(
    '/v1/applications/:id/payment',
    {
      schema: {
        summary: 'Record the payment of an approved application, with its reference',
        params: IdParams,
        body: PaymentBody,
      },
      onRequest: [signedIn, requireRole(...APPROVER_ROLES)],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const body = request.body as Static<typeof PaymentBody>;
      if (!isCalendarDate(body.paidOn))
        throw new AppError('VALIDATION_FAILED', 'paidOn must be a date (YYYY-MM-DD)');
      return withTransaction(pool, async (client) => {
        const a = await forPerson(client, id, me, `payment of ${id}`, true);
        requireStatus(a, 'approved');
        const at = now();
        await client.query(
          `update applications set status = 'paid', payment_reference = $2, paid_on = $3, updated_at = $4 where application_id = $1`,
          [id, body.paymentReference, body.paidOn, at],
        );
        await appendEvent(
          client,
          TemporaryAssistancePaid,
          {
            ...caseFields(a),
            ...(a.alertId ? { alertId: a.alertId } : {}),
            amountFen: a.amountFen,
            paymentReference: body.paymentReference,
            paidOn: body.paidOn,
            recordedBy: me.userId,
            recordedAt: at.toISOString(),
          },
          { source: SOURCE },
        );
        return view((await findApplication(client, id)) as Application);
      });
    },
  );
}
