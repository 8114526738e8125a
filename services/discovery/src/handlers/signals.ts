import {
  CheckOnMissed,
  DepartmentSignalReported,
  DisabilityCertified,
  EnrolmentGapsChanged,
  HouseholdRegistered,
  HouseholdUpdated,
  RiskFlagged,
} from '@huimin/contracts';
import { type EventHandler, type HandlerContext, on } from '@huimin/kafka';
import type { AlertDesk, Signal } from '../alert-desk.ts';
import {
  checkOnReason,
  departmentReason,
  disabilityReason,
  gapReason,
  riskReasons,
} from '../domain/reasons.ts';
import type { SignalCode } from '../domain/rules.ts';

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
export function signalHandlers(desk: AlertDesk): EventHandler[] {
  return [
    on(RiskFlagged, async (p, ctx) => {
      await desk.handleSignal(ctx.client, {
        ...base(ctx),
        code: riskCode[p.level],
        householdId: p.householdId,
        communityCode: p.communityCode,
        reasons: riskReasons(p),
      });
    }),
    on(EnrolmentGapsChanged, async (p, ctx) => {
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
    on(DepartmentSignalReported, async (p, ctx) => {
      await desk.handleSignal(ctx.client, {
        ...base(ctx),
        code: `department.${p.kind}`,
        householdId: p.householdId,
        residentId: p.householdId ? undefined : p.residentId,
        communityCode: p.communityCode,
        reasons: [departmentReason(p)],
      });
    }),
    on(CheckOnMissed, async (p, ctx) => {
      await desk.handleSignal(ctx.client, {
        ...base(ctx),
        code: p.consecutiveMisses >= 2 ? 'eldercare.check-on-missed-repeated' : 'eldercare.check-on-missed',
        householdId: p.householdId,
        residentId: p.householdId ? undefined : p.elderResidentId,
        communityCode: p.communityCode,
        reasons: [checkOnReason(p)],
      });
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
      await desk.handleSignal(ctx.client, disabilitySignal(base(ctx), p, person));
    }),
    on(HouseholdRegistered, (p, ctx) => placeHousehold(desk, p, ctx)),
    on(HouseholdUpdated, (p, ctx) => placeHousehold(desk, p, ctx)),
  ];
}

function disabilitySignal(
  head: { eventId: string; eventType: string; raisedAt: Date },
  p: DisabilityCertified,
  person: { household_id: string; community_code: string },
): Signal {
  return {
    ...head,
    code: p.grade <= 2 ? 'disability.certified-severe' : 'disability.certified',
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
      disabilitySignal(
        { eventId: parked.event_id, eventType: parked.event_type, raisedAt: new Date(parked.payload.time) },
        parked.payload,
        { household_id: h.householdId, community_code: h.communityCode },
      ),
    );
  }
}
