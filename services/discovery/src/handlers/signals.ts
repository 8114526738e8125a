import {
  CheckOnMissed,
  DepartmentSignalReported,
  DisabilityCertificationRetracted,
  DisabilityCertified,
  EligibilityDecided,
  EnrolmentGapsChanged,
  HouseholdRegistered,
  HouseholdUpdated,
  RiskCleared,
  RiskFlagged,
} from '@huimin/contracts';
import { type BatchContext, type EventHandler, type HandlerContext, on, onBatch } from '@huimin/kafka';
import { schedule } from '@huimin/pg';
import type { AlertDesk, Signal } from '../alert-desk.ts';
import { JOB_DATA_MISSING } from '../data-missing.ts';
import {
  assistedNowSummary,
  checkOnReason,
  dataArrivedSummary,
  departmentReason,
  disabilityCause,
  disabilityReason,
  disabilityRetractedSummary,
  gapCause,
  gapClosedSummary,
  gapReason,
  NEEDS_REVIEW_CAUSE,
  needsReviewReason,
  nursingPaidSummary,
  riskCause,
  riskClearedSummary,
  riskReasons,
  severeCauseOf,
  UNASSISTED_CAUSE,
} from '../domain/reasons.ts';
import type { SignalCode } from '../domain/rules.ts';
import {
  clearDataMissing,
  householdOfPerson,
  noteDataMissing,
  receivesAny,
  saveReceiving,
  unparkCertificate,
} from '../store/cause-store.ts';
import type { Withdraw } from '../withdraw.ts';

export interface SignalOptions {
  withdraw: Withdraw;
  /** How long a fact may be missing before the household becomes a "data missing" signal. */
  dataMissingGraceMs: number;
  now: () => Date;
}

/** The programmes that already assist a household below the dibao line. */
const BELOW_LINE_ASSISTANCE = ['dibao', 'tekun-dispersed', 'tekun-centralised'];

const riskCode: Record<RiskFlagged['level'], SignalCode> = {
  watch: 'risk.watch',
  catastrophic: 'risk.catastrophic',
  severe: 'risk.severe',
  'major-illness': 'risk.major-illness',
};

const base = (ctx: HandlerContext) => ({
  eventId: ctx.envelope.id,
  eventType: ctx.envelope.type,
  raisedAt: new Date(ctx.envelope.time),
});

/**
 * The signals discovery listens to, each turned into a `Signal` for the desk in the consumer's
 * transaction (with its inbox row: a redelivered event changes nothing). Disability certificates
 * name a person only: discovery places them through its own person → household map, and parks
 * those it cannot place until the person's household arrives.
 */
export function signalHandlers(desk: AlertDesk, options: SignalOptions): EventHandler[] {
  const { withdraw } = options;
  return [
    // The signals that come in volume, a run at a time: one intake for the run.
    ...onBatch([RiskFlagged, DepartmentSignalReported, CheckOnMissed], async (items, { client }) => {
      const signals: Signal[] = [];
      for (const item of items) {
        const head = {
          eventId: item.envelope.id,
          eventType: item.envelope.type,
          raisedAt: new Date(item.envelope.time),
        };
        if (item.type === RiskFlagged.type)
          signals.push(await riskSignal(client, head, item.payload as RiskFlagged));
        else if (item.type === DepartmentSignalReported.type) {
          const p = item.payload as DepartmentSignalReported;
          signals.push({
            ...head,
            code: `department.${p.kind}`,
            householdId: p.householdId,
            residentId: p.householdId ? undefined : p.residentId,
            communityCode: p.communityCode,
            reasons: [departmentReason(p)],
          });
        } else {
          const p = item.payload as CheckOnMissed;
          signals.push({
            ...head,
            code:
              p.consecutiveMisses >= 2 ? 'eldercare.check-on-missed-repeated' : 'eldercare.check-on-missed',
            householdId: p.householdId,
            residentId: p.householdId ? undefined : p.elderResidentId,
            communityCode: p.communityCode,
            reasons: [checkOnReason(p)],
          });
        }
      }
      await desk.handleSignals(client, signals);
    }),
    // The household is no longer at medical risk: the alerts it raised lose their cause.
    on(RiskCleared, async (p, ctx) => {
      await withdraw(ctx.client, {
        subjectKey: p.householdId,
        withdrawn: (cause) => cause === riskCause(p.level),
        summary: () => riskClearedSummary(p),
        sourceEventId: ctx.envelope.id,
      });
    }),
    on(EligibilityDecided, async (p, ctx) => {
      const reason = needsReviewReason(p);
      if (!reason) {
        if (await clearDataMissing(ctx.client, p.householdId))
          await withdraw(ctx.client, {
            subjectKey: p.householdId,
            withdrawn: (cause) => cause === NEEDS_REVIEW_CAUSE,
            summary: () => dataArrivedSummary,
            sourceEventId: ctx.envelope.id,
          });
        return;
      }
      const since = await noteDataMissing(ctx.client, {
        householdId: p.householdId,
        communityCode: p.communityCode,
        decisionId: p.decisionId,
        reason,
        since: new Date(p.decidedAt),
      });
      await schedule(ctx.client, {
        kind: JOB_DATA_MISSING,
        key: `${p.householdId}#${p.decisionId}`,
        dueAt: new Date(since.getTime() + options.dataMissingGraceMs),
      });
    }),
    on(EnrolmentGapsChanged, async (p, ctx) => {
      if (p.receiving) {
        await saveReceiving(ctx.client, p.householdId, p.receiving, p.asOfDate, options.now());
        // A severe certificate that came before the nursing-subsidy enrolment: the subsidy it
        // pointed to is paid now, so the certificate's reason is withdrawn.
        if (p.receiving.includes('disability-nursing'))
          await withdraw(ctx.client, {
            subjectKey: p.householdId,
            withdrawn: (cause) => cause.startsWith('disability:'),
            summary: () => nursingPaidSummary,
            sourceEventId: ctx.envelope.id,
          });
        // A severe flag that came before the enrolment said "not assisted": the enrolment, arriving
        // second, takes that reason back (the alert keeps its medical reasons and its priority).
        if (p.receiving.some((programme) => BELOW_LINE_ASSISTANCE.includes(programme)))
          await withdraw(ctx.client, {
            subjectKey: p.householdId,
            withdrawn: (cause) => cause === UNASSISTED_CAUSE,
            summary: () => assistedNowSummary,
            sourceEventId: ctx.envelope.id,
          });
      }
      // Gaps no longer in the full list have closed: their reasons lose their cause.
      const open = new Set(p.gaps.map(gapCause));
      await withdraw(ctx.client, {
        subjectKey: p.householdId,
        withdrawn: (cause) => cause.startsWith('gap:') && !open.has(cause),
        summary: (causes) =>
          causes
            .map((c) => {
              const [, kind = '', programme = ''] = c.split(':');
              return gapClosedSummary({ kind, programme });
            })
            .join('；'),
        sourceEventId: ctx.envelope.id,
      });
      for (const kind of ['eligible-not-receiving', 'receiving-not-eligible'] as const) {
        const gaps = p.gaps.filter((g) => g.kind === kind);
        if (gaps.length === 0) continue;
        await desk.handleSignal(ctx.client, {
          ...base(ctx),
          // One event can carry both kinds: each gets its own signal id.
          eventId: `${ctx.envelope.id}#${kind}`,
          code: `gap.${kind}`,
          householdId: p.householdId,
          communityCode: p.communityCode,
          reasons: gaps.map((g) => gapReason(g, p.decisionId)),
        });
      }
    }),
    on(DisabilityCertified, async (p, ctx) => {
      const { rows } = await ctx.client.query<{ household_id: string; community_code: string }>(
        'select household_id, community_code from people where resident_id = $1',
        [p.residentId],
      );
      const person = rows[0];
      if (!person) {
        await ctx.client.query(
          `insert into parked_signals (event_id, resident_id, event_type, payload, parked_at)
           values ($1, $2, $3, $4::jsonb, $5) on conflict do nothing`,
          [
            ctx.envelope.id,
            p.residentId,
            ctx.envelope.type,
            JSON.stringify({ ...p, time: ctx.envelope.time }),
            new Date(),
          ],
        );
        return;
      }
      await desk.handleSignal(ctx.client, await disabilitySignal(ctx.client, base(ctx), p, person));
    }),
    // The federation withdrew a certificate: one still parked is forgotten, an alert loses the reason.
    on(DisabilityCertificationRetracted, async (p, ctx) => {
      await unparkCertificate(ctx.client, p.residentId, p.businessDate);
      const householdId = await householdOfPerson(ctx.client, p.residentId);
      if (!householdId) return;
      const cause = disabilityCause(p.residentId, p.businessDate);
      await withdraw(ctx.client, {
        subjectKey: householdId,
        withdrawn: (c) => c === cause,
        summary: () => disabilityRetractedSummary(p.businessDate),
        sourceEventId: ctx.envelope.id,
      });
    }),
    on(HouseholdRegistered, (p, ctx) => placeHousehold(desk, p, ctx)),
    on(HouseholdUpdated, (p, ctx) => placeHousehold(desk, p, ctx)),
  ];
}

/**
 * A risk flag as a signal. Already below the line before any care: cross-checked with what
 * eligibility says the household receives (dibao or tekun: medical-assistance follow-up; neither:
 * the gap).
 */
async function riskSignal(
  client: BatchContext['client'],
  head: { eventId: string; eventType: string; raisedAt: Date },
  p: RiskFlagged,
): Promise<Signal> {
  let code = riskCode[p.level];
  let assisted: boolean | undefined;
  if (severeCauseOf(p) === 'already-below') {
    assisted = await receivesAny(client, p.householdId, BELOW_LINE_ASSISTANCE);
    code = assisted ? 'risk.severe-already-below-assisted' : 'risk.severe-already-below-unassisted';
  }
  return {
    ...head,
    code,
    householdId: p.householdId,
    communityCode: p.communityCode,
    reasons: riskReasons(p, assisted),
  };
}

/**
 * The nursing subsidy's severe disabilities (两项补贴): grade 1–2 of any category, and grade 3–4
 * intellectual or mental. A household already receiving the subsidy is a signal of its own (the
 * rules ignore it by default).
 */
async function disabilitySignal(
  client: HandlerContext['client'],
  head: { eventId: string; eventType: string; raisedAt: Date },
  p: DisabilityCertified,
  person: { household_id: string; community_code: string },
): Promise<Signal> {
  const mental = p.category === 'intellectual' || p.category === 'mental';
  const severe = p.grade <= 2 || (mental && p.grade <= 4);
  const code: SignalCode = !severe
    ? 'disability.certified'
    : (await receivesAny(client, person.household_id, ['disability-nursing']))
      ? 'disability.certified-subsidised'
      : p.grade <= 2
        ? 'disability.certified-severe'
        : 'disability.certified-severe-mental';
  return {
    ...head,
    code,
    householdId: person.household_id,
    communityCode: person.community_code,
    reasons: [disabilityReason(p)],
  };
}

async function placeHousehold(desk: AlertDesk, h: HouseholdRegistered, ctx: HandlerContext): Promise<void> {
  const ids = h.members.map((m) => m.residentId);
  await ctx.client.query('delete from people where household_id = $1 and not (resident_id = any($2))', [
    h.householdId,
    ids,
  ]);
  await ctx.client.query(
    `insert into people (resident_id, household_id, community_code, town_code)
     select unnest($1::text[]), $2, $3, $4
     on conflict (resident_id) do update
        set household_id = excluded.household_id, community_code = excluded.community_code, town_code = excluded.town_code`,
    [ids, h.householdId, h.communityCode, h.townCode],
  );
  const { rows } = await ctx.client.query<{
    event_id: string;
    event_type: string;
    payload: DisabilityCertified & { time: string };
  }>('delete from parked_signals where resident_id = any($1) returning event_id, event_type, payload', [ids]);
  for (const parked of rows) {
    await desk.handleSignal(
      ctx.client,
      await disabilitySignal(
        ctx.client,
        { eventId: parked.event_id, eventType: parked.event_type, raisedAt: new Date(parked.payload.time) },
        parked.payload,
        { household_id: h.householdId, community_code: h.communityCode },
      ),
    );
  }
}
