import { Readable } from 'node:stream';
import {
  auditRead,
  authenticate,
  requireRole,
  type TokenVerifier,
  type UserPrincipal,
  userOf,
} from '@huimin/auth';
import { nameOf } from '@huimin/contracts';
import { AppError, type HttpServer, maskResidentId, PhotoUnreadable, stripPhotoMetadata } from '@huimin/kit';
import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type pg from 'pg';
import { type AlertDesk, dismissReasons, outcomes } from '../alert-desk.ts';

import { priorities } from '../domain/priority.ts';
import { type RuleSet, RuleSetSchema, ruleSetProblems } from '../domain/rules.ts';
import { type SlaPolicy, SlaPolicySchema, slaPolicyProblems } from '../domain/sla.ts';
import { type AlertFilter, alertStatistics, eachAlertPage, listAlerts } from '../store/alert-queries.ts';
import { type AlertRow, historyOf, notesOf } from '../store/alert-store.ts';
import { addPolicyVersion, type PolicyKind, policyHistory } from '../store/policy-store.ts';
import { subjectMembers } from '../store/registry.ts';
import { type HouseholdSources, householdView } from './household-view.ts';

const AlertId = Type.String({ pattern: '^ALR-\\d{4}-\\d{6,9}$' });
const IdParams = Type.Object({ id: AlertId });
const Code12 = Type.String({ pattern: '^\\d{12}$' });
const Code9 = Type.String({ pattern: '^\\d{9}$' });
const HouseholdId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const literalUnion = <const T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<TLiteral<T[number]>[]>;
const Status = literalUnion(['open', 'acknowledged', 'visiting', 'resolved', 'dismissed']);
const Priority = literalUnion(priorities);
const csvList = <T extends TUnion<TLiteral<string>[]>>(item: T) =>
  Type.Array(item, { maxItems: 5, description: 'repeat the parameter for several values' });

const Filter = {
  status: Type.Optional(csvList(Status)),
  priority: Type.Optional(csvList(Priority)),
  communityCode: Type.Optional(Code12),
  townCode: Type.Optional(Code9),
  type: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{1,47}$' })),
  householdId: Type.Optional(HouseholdId),
  assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a user id, or `me`' })),
  breached: Type.Optional(Type.Boolean()),
  raisedFrom: Type.Optional(Type.String({ format: 'date-time' })),
  raisedTo: Type.Optional(Type.String({ format: 'date-time' })),
};
const ListQuery = Type.Object({
  ...Filter,
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
const FilterQuery = Type.Object(Filter);
const NewAlert = Type.Object(
  {
    householdId: Type.Optional(HouseholdId),
    residentId: Type.Optional(Type.String({ pattern: '^\\d{17}[\\dX]$' })),
    communityCode: Code12,
    channel: literalUnion(['walk-in', 'hotline', 'grid-worker']),
    priority: Type.Optional(Priority),
    summary: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'what the caller or visitor said, in brief',
    }),
  },
  { additionalProperties: false },
);
const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
const MAX_PHOTOS = 3;
const NewNote = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 2000 }),
    attachments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            contentType: literalUnion(['image/jpeg', 'image/png', 'image/webp']),
            dataBase64: Type.String({ minLength: 4, maxLength: Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_PHOTOS },
      ),
    ),
  },
  { additionalProperties: false },
);
const Resolve = Type.Object(
  { outcome: literalUnion(outcomes), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const Dismiss = Type.Object(
  { reasonCode: literalUnion(dismissReasons), note: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const Reassign = Type.Object(
  { userId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const PolicyParams = Type.Object({ kind: literalUnion(['rules', 'sla']) });

const WRITERS = ['case-handler', 'town-supervisor', 'bureau-admin'] as const;
const READERS = [...WRITERS, 'auditor'] as const;

/** What the API shows of an alert: a resident ID only masked, the community named. */
export function presentAlert(a: AlertRow) {
  return {
    id: a.id,
    householdId: a.householdId,
    residentId: a.residentId ? maskResidentId(a.residentId) : null,
    type: a.type,
    title: a.title,
    priority: a.priority,
    origin: a.origin,
    communityCode: a.communityCode,
    communityName: nameOf(a.communityCode) ?? null,
    townCode: a.townCode,
    assigneeUserId: a.assigneeUserId,
    onBehalfOf: a.onBehalfOf,
    status: a.status,
    outcome: a.outcome,
    dismissReason: a.dismissReason,
    reasons: a.reasons,
    raisedAt: a.raisedAt.toISOString(),
    acknowledgeDueAt: a.acknowledgeDueAt.toISOString(),
    visitDueAt: a.visitDueAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    visitStartedAt: a.visitStartedAt?.toISOString() ?? null,
    closedAt: a.closedAt?.toISOString() ?? null,
    acknowledgeBreachedAt: a.acknowledgeBreachedAt?.toISOString() ?? null,
    visitBreachedAt: a.visitBreachedAt?.toISOString() ?? null,
    rulesVersion: a.rulesVersion,
    slaVersion: a.slaVersion,
  };
}

function filterOf(me: UserPrincipal, q: Static<typeof FilterQuery>): AlertFilter {
  return {
    status: q.status,
    priority: q.priority,
    communityCode: q.communityCode,
    townCode: q.townCode,
    type: q.type,
    householdId: q.householdId,
    assignee: q.assignee === 'me' ? me.userId : q.assignee,
    breached: q.breached,
    raisedFrom: q.raisedFrom ? new Date(q.raisedFrom) : undefined,
    raisedTo: q.raisedTo ? new Date(q.raisedTo) : undefined,
  };
}

/** Formula injection guard and quoting, as spreadsheet programs read CSV. */
function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLine(a: AlertRow): string {
  const cells = [
    a.id,
    a.title,
    a.priority,
    STATUS_ZH[a.status],
    nameOf(a.communityCode) ?? a.communityCode,
    a.householdId ?? '',
    a.assigneeUserId ?? '',
    a.raisedAt.toISOString(),
    a.acknowledgeDueAt.toISOString(),
    a.visitDueAt.toISOString(),
    a.acknowledgedAt?.toISOString() ?? '',
    a.closedAt?.toISOString() ?? '',
    a.outcome ?? a.dismissReason ?? '',
    a.acknowledgeBreachedAt || a.visitBreachedAt ? '是' : '',
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const STATUS_ZH: Record<string, string> = {
  open: '待确认',
  acknowledged: '已确认',
  visiting: '走访中',
  resolved: '已办结',
  dismissed: '已驳回',
};

const PHOTO_MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export interface HttpRouteDeps {
  pool: pg.Pool;
  verifier: TokenVerifier;
  desk: AlertDesk;
  now: () => Date;
  household: HouseholdSources;
}

/**
 * The console's API. Every route needs a person's token; a handler sees and changes the alerts
 * of their communities, a supervisor their town's, the bureau all; an alert outside the caller's
 * jurisdiction answers exactly like one that does not exist.
 */
export function registerHttpRoutes(app: HttpServer, deps: HttpRouteDeps): void {
  const { pool, desk, now } = deps;
  const signedIn = authenticate(deps.verifier);
  const readers = [signedIn, requireRole(...READERS)];
  const writers = [signedIn, requireRole(...WRITERS)];
  const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.get(
    '/v1/alerts',
    {
      schema: { summary: 'Alerts the caller may see, newest first, paged by `next`', querystring: ListQuery },
      onRequest: readers,
    },
    async (request) => {
      const me = userOf(request);
      const q = request.query as Static<typeof ListQuery>;
      const page = await listAlerts(pool, me, filterOf(me, q), { limit: q.limit, cursor: q.cursor });
      return { alerts: page.alerts.map(presentAlert), ...(page.next ? { next: page.next } : {}) };
    },
  );

  app.get(
    '/v1/alerts/export.csv',
    {
      schema: {
        summary: 'The filtered list as CSV (UTF-8 with BOM, for spreadsheet programs)',
        querystring: FilterQuery,
      },
      onRequest: readers,
    },
    async (request, reply) => {
      const me = userOf(request);
      const f = filterOf(me, request.query as Static<typeof FilterQuery>);
      // Streamed a page at a time (chunked), so an export of the whole county is never held in memory.
      async function* csv() {
        yield '\ufeff编号,类型,优先级,状态,社区,户编号,处理人,发起时间,确认期限,走访期限,确认时间,办结时间,办结结果,超时\r\n';
        for await (const page of eachAlertPage(pool, me, f)) yield page.map(csvLine).join('');
      }
      const body = Readable.from(csv());
      body.on('error', (err) => request.log.error({ err }, 'CSV export failed part way'));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="alerts-${now().toISOString().slice(0, 10)}.csv"`,
        )
        .send(body);
    },
  );

  app.get(
    '/v1/alerts/:id',
    {
      schema: { summary: 'One alert with its reasons, evidence, history and notes', params: IdParams },
      onRequest: readers,
    },
    async (request) => {
      const alert = await desk.get(idOf(request), userOf(request));
      return {
        ...presentAlert(alert),
        history: await historyOf(pool, alert.id),
        notes: await notesOf(pool, alert.id),
      };
    },
  );

  app.post(
    '/v1/alerts',
    {
      schema: { summary: 'Open an alert by hand (a walk-in, a hotline call, a grid worker)', body: NewAlert },
      onRequest: writers,
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewAlert>;
      const alert = await desk.openByHand(userOf(request), {
        communityCode: body.communityCode,
        channel: body.channel,
        summary: body.summary,
        ...(body.householdId ? { householdId: body.householdId } : {}),
        ...(body.residentId ? { residentId: body.residentId } : {}),
        ...(body.priority ? { priority: body.priority } : {}),
      });
      return reply.code(201).send(presentAlert(alert));
    },
  );

  const action = <B extends ReturnType<typeof Type.Object> | undefined>(
    path: string,
    summary: string,
    body: B,
    act: (
      id: string,
      me: UserPrincipal,
      body: B extends undefined ? undefined : Static<NonNullable<B>>,
    ) => Promise<AlertRow>,
  ) =>
    app.post(
      `/v1/alerts/:id/${path}`,
      { schema: { summary, params: IdParams, ...(body ? { body } : {}) }, onRequest: writers },
      async (request) => presentAlert(await act(idOf(request), userOf(request), request.body as never)),
    );

  action('acknowledge', 'Take the alert on (stops the acknowledge clock)', undefined, (id, me) =>
    desk.acknowledge(id, me),
  );
  action('visit', 'Start the home visit (stops both clocks)', undefined, (id, me) => desk.startVisit(id, me));
  action('resolve', 'Close with an outcome', Resolve, (id, me, b) => desk.resolve(id, me, b.outcome, b.note));
  action('dismiss', 'Close without action, with a coded reason and a note', Dismiss, (id, me, b) =>
    desk.dismiss(id, me, b.reasonCode, b.note),
  );
  action(
    'reassign',
    'Give the alert to another handler of the community (supervisors)',
    Reassign,
    (id, me, b) => desk.reassign(id, me, b.userId),
  );

  app.post(
    '/v1/alerts/:id/notes',
    {
      schema: {
        summary:
          'Add a visit note, with up to three photos (JPEG, PNG or WebP, 2 MiB each; location and other metadata are removed)',
        params: IdParams,
        body: NewNote,
      },
      onRequest: writers,
      bodyLimit: MAX_PHOTOS * Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 16_384,
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewNote>;
      const attachments = (body.attachments ?? []).map((a, i) => {
        const bytes = Buffer.from(a.dataBase64, 'base64');
        if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES)
          throw new AppError('INVALID_ATTACHMENT', `photo ${i + 1} is empty or larger than 2 MiB`);
        if (!PHOTO_MAGIC[a.contentType]?.(bytes))
          throw new AppError('INVALID_ATTACHMENT', `photo ${i + 1} is not a ${a.contentType} image`);
        // Where and when it was taken (EXIF GPS, XMP) never reaches the store.
        try {
          return { contentType: a.contentType, bytes: stripPhotoMetadata(a.contentType, bytes) };
        } catch (err: unknown) {
          if (err instanceof PhotoUnreadable)
            throw new AppError(
              'INVALID_ATTACHMENT',
              `photo ${i + 1} is not a readable ${a.contentType} image`,
            );
          throw err;
        }
      });
      const note = await desk.addNote(idOf(request), userOf(request), { body: body.body, attachments });
      return reply.code(201).send(note);
    },
  );

  app.get(
    '/v1/alerts/:id/notes/:noteId/attachments/:position',
    {
      schema: {
        summary: 'A photo of a visit note',
        params: Type.Object({
          id: AlertId,
          noteId: Type.String({ pattern: '^N-[0-9a-f-]{36}$' }),
          position: Type.Integer({ minimum: 1, maximum: MAX_PHOTOS }),
        }),
      },
      onRequest: readers,
    },
    async (request, reply) => {
      const { id, noteId, position } = request.params as { id: string; noteId: string; position: number };
      await desk.get(id, userOf(request));
      const { rows } = await pool.query<{ content_type: string; bytes: Buffer }>(
        'select content_type, bytes from alert_attachments where alert_id = $1 and note_id = $2 and position = $3',
        [id, noteId, position],
      );
      const photo = rows[0];
      if (!photo) throw new AppError('NOT_FOUND', 'no such photo');
      return reply
        .header('content-type', photo.content_type)
        .header('cache-control', 'private, no-store')
        .send(photo.bytes);
    },
  );

  app.get(
    '/v1/statistics',
    {
      schema: {
        summary:
          'Open alerts by priority and community now; SLA breaches and median times over the period (default the last 30 days)',
        querystring: FilterQuery,
      },
      onRequest: readers,
    },
    async (request) => {
      const me = userOf(request);
      const q = request.query as Static<typeof FilterQuery>;
      const f = filterOf(me, q);
      f.raisedFrom ??= new Date(now().getTime() - 30 * 86_400_000);
      return {
        period: { from: f.raisedFrom.toISOString(), to: (f.raisedTo ?? now()).toISOString() },
        ...(await alertStatistics(pool, me, f)),
      };
    },
  );

  app.get(
    '/v1/policies/:kind',
    {
      schema: {
        summary: 'The alert rules or the SLA policy: every version, newest first',
        params: PolicyParams,
      },
      onRequest: readers,
    },
    async (request) => {
      const { kind } = request.params as { kind: PolicyKind };
      return { kind, versions: await policyHistory(pool, kind) };
    },
  );

  app.put(
    '/v1/policies/:kind',
    {
      schema: {
        summary:
          'Publish a new version of the alert rules or the SLA policy (bureau admin); alerts keep the version they were judged by',
        params: PolicyParams,
        body: Type.Object(
          { body: Type.Unknown(), note: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
      onRequest: [signedIn, requireRole('bureau-admin')],
    },
    async (request, reply) => {
      const me = userOf(request);
      const { kind } = request.params as { kind: PolicyKind };
      const { body, note } = request.body as { body: unknown; note: string };
      const problems = kind === 'rules' ? rulesProblems(body) : slaProblems(body);
      if (problems.length > 0)
        throw new AppError('INVALID_POLICY', `the ${kind} version fails its checks`, { problems });
      const version = await addPolicyVersion(pool, kind, body, me.userId, note, now());
      desk.reloadPolicies();
      return reply.code(201).send({ kind, version });
    },
  );

  app.get(
    '/v1/households/:id/view',
    {
      schema: {
        summary:
          'One page of what the platform knows about a household: members (masked), eligibility, risk, alerts, eldercare, charity',
        params: Type.Object({ id: HouseholdId }),
      },
      onRequest: [signedIn, requireRole(...WRITERS)],
    },
    async (request) => {
      const me = userOf(request);
      const id = (request.params as { id: string }).id;
      const view = await householdView(deps.household, pool, me, id, request.headers.authorization ?? '');
      if (!view) throw new AppError('NOT_FOUND', 'no such household');
      await auditRead(pool, 'discovery', {
        reader: me,
        subjectType: 'household',
        subjectId: id,
        view: 'masked',
        purpose: 'household view',
      });
      return view;
    },
  );

  app.get(
    '/v1/alerts/:id/subject',
    {
      schema: {
        summary:
          'The alert’s resident IDs unmasked (the person, the household’s members), for the handlers and supervisors of its jurisdiction; every read audited as a full view with the reason given',
        params: IdParams,
        querystring: Type.Object({
          view: Type.Literal('full'),
          purpose: Type.String({ minLength: 2, maxLength: 200, description: 'why the full view is needed' }),
        }),
      },
      onRequest: [signedIn, requireRole('case-handler', 'town-supervisor')],
    },
    async (request, reply) => {
      const me = userOf(request);
      const { purpose } = request.query as { purpose: string };
      const alert = await desk.get(idOf(request), me);
      // The people behind the alert are read only where the registry puts them in the caller's
      // jurisdiction: a manual alert's household id is what a handler typed, not a place.
      const members = await subjectMembers(pool, me, alert);
      if (!members) throw new AppError('ALERT_NOT_FOUND', `no alert ${alert.id} that you may see`);
      await auditRead(pool, 'discovery', {
        reader: me,
        subjectType: alert.householdId ? 'household' : 'alert',
        subjectId: alert.householdId ?? alert.id,
        view: 'full',
        purpose: `${alert.id}: ${purpose}`,
      });
      return reply.header('cache-control', 'private, no-store').send({
        alertId: alert.id,
        householdId: alert.householdId,
        residentId: alert.residentId,
        members: members.map((residentId) => ({ residentId })),
      });
    },
  );
}

function rulesProblems(body: unknown): string[] {
  if (!isValid(RuleSetSchema, body)) return ['the body does not match the rule set schema'];
  return ruleSetProblems(body as RuleSet);
}
function slaProblems(body: unknown): string[] {
  if (!isValid(SlaPolicySchema, body)) return ['the body does not match the SLA policy schema'];
  return slaPolicyProblems(body as SlaPolicy);
}

function isValid(schema: Parameters<typeof Value.Check>[0], value: unknown): boolean {
  return Value.Check(schema, value);
}
