import { describe, expect, it } from 'vitest';
import { createFeed, take } from './feed.ts';
import type { FeedEvent } from './feed-event.ts';

// The scenario households must cross DOMAIN.md's yardsticks ("Catastrophic health expenditure")
// with the live claim and stay below every line before it. The levels are computed here from the
// events alone, the way the risk service reads them, not from the generator's own figures.

type Level = 'none' | 'watch' | 'catastrophic' | 'severe';

function levelOf(oopFen: number, annualIncomeFen: number, size: number, dibaoStandardFen: number): Level {
  if (oopFen <= 0) return 'none';
  // Severe (因病致贫): per-capita monthly income left after 12 months of OOP below the dibao standard.
  if ((annualIncomeFen - oopFen) / size / 12 < dibaoStandardFen) return 'severe';
  // Capacity to pay = income − subsistence (dibao standard × size × 12); catastrophic at ≥ 40% of
  // it, or any OOP when it is ≤ 0 (WHO, Xu et al. 2003).
  const capacityToPay = annualIncomeFen - dibaoStandardFen * size * 12;
  if (capacityToPay <= 0 || oopFen >= 0.4 * capacityToPay) return 'catastrophic';
  // SDG 3.8.2: OOP above 25% (catastrophic) or 10% (watch) of household income.
  if (oopFen > 0.25 * annualIncomeFen) return 'catastrophic';
  if (oopFen > 0.1 * annualIncomeFen) return 'watch';
  return 'none';
}

/** Dates of care in (today − 12 months, today]. */
function inWindow(dateOfCare: string, today: string): boolean {
  const start = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  return dateOfCare > start && dateOfCare <= today;
}

interface Reading {
  members: Set<string>;
  size: number;
  incomes: Map<string, number>;
  claims: Map<string, number>;
}

function read(
  events: Iterable<FeedEvent>,
  households: Set<string>,
  today: string,
  into = new Map<string, Reading>(),
) {
  const householdOf = new Map<string, string>();
  for (const [id, r] of into) for (const member of r.members) householdOf.set(member, id);
  for (const event of events) {
    switch (event.type) {
      case 'huimin.feed.household.registered.v1':
      case 'huimin.feed.household.updated.v1':
        if (!households.has(event.payload.householdId)) break;
        into.set(event.payload.householdId, {
          members: new Set(event.payload.members.map((m) => m.residentId)),
          size: event.payload.members.length,
          incomes: into.get(event.payload.householdId)?.incomes ?? new Map(),
          claims: into.get(event.payload.householdId)?.claims ?? new Map(),
        });
        for (const m of event.payload.members) householdOf.set(m.residentId, event.payload.householdId);
        break;
      case 'huimin.feed.member-income.reported.v1': {
        const reading = into.get(event.payload.householdId);
        reading?.incomes.set(
          event.payload.residentId,
          event.payload.incomes.reduce((s, i) => s + i.monthlyFen, 0),
        );
        break;
      }
      case 'huimin.feed.medical-expense.recorded.v1':
      case 'huimin.feed.medical-expense.corrected.v1': {
        const reading = into.get(householdOf.get(event.payload.patientResidentId) ?? '');
        const c = event.payload;
        if (reading && inWindow(c.dateOfCare, today)) {
          reading.claims.set(c.claimId, c.totalCostFen - c.insurancePaidFen - c.medicalAssistancePaidFen);
        }
        break;
      }
      case 'huimin.feed.medical-expense.reversed.v1':
        into
          .get(householdOf.get(event.payload.patientResidentId) ?? '')
          ?.claims.delete(event.payload.claimId);
        break;
      default:
        break;
    }
  }
  return into;
}

function levelIn(
  reading: Reading | undefined,
  standard: number,
): { level: Level; annualIncomeFen: number; oopFen: number } {
  if (!reading) throw new Error('scenario household never registered');
  const annualIncomeFen = [...reading.incomes.values()].reduce((s, v) => s + v, 0) * 12;
  const oopFen = [...reading.claims.values()].reduce((s, v) => s + v, 0);
  return { level: levelOf(oopFen, annualIncomeFen, reading.size, standard), annualIncomeFen, oopFen };
}

describe('scenario households', () => {
  it.each([
    { seed: 42, households: 300, scenarios: 3, standard: 104_500, rate: 50 },
    { seed: 9, households: 100, scenarios: 5, standard: 120_000, rate: 20 },
    { seed: 77, households: 50, scenarios: 1, standard: 81_000, rate: 200 },
  ])(
    'cross the yardsticks with the live claim, within the first minute (%o)',
    ({ seed, households, scenarios, standard, rate }) => {
      const now = new Date('2025-06-15T04:00:00Z');
      const feed = createFeed({
        seed,
        households,
        scenarios,
        now,
        liveRate: rate,
        dibaoStandardFen: standard,
      });
      expect(feed.scenarios).toHaveLength(scenarios);
      const ids = new Set(feed.scenarios.map((s) => s.householdId));

      const afterBulk = read(feed.bulk, ids, feed.today);
      const last = Math.max(...feed.scenarios.map((s) => s.livePosition));
      const live = [...take(feed.live, last + 1)];
      const afterLive = read(live, ids, feed.today, afterBulk);

      for (const scenario of feed.scenarios) {
        const reading = afterLive.get(scenario.householdId);
        // Low-income: per-capita income below 1.5 × the dibao standard.
        const after = levelIn(reading, standard);
        expect(after.annualIncomeFen / 12 / scenario.householdSize).toBeLessThan(1.5 * standard);
        expect(after.annualIncomeFen).toBe(scenario.annualIncomeFen);
        expect(after.oopFen).toBe(scenario.outOfPocketFen);
        expect(after.level, scenario.name).toBe(scenario.expectedLevel);

        // The live event at the announced position is the crossing claim, due within the first minute.
        const crossing = live[scenario.livePosition];
        expect(crossing?.id).toBe(scenario.crossingEventId);
        expect(crossing?.type === 'huimin.feed.medical-expense.recorded.v1' && crossing.payload.claimId).toBe(
          scenario.crossingClaimId,
        );
        expect(scenario.liveSecond).toBeLessThanOrEqual(60);
        expect(scenario.livePosition / rate).toBe(scenario.liveSecond);
      }
      // Before the crossing claims: below every line.
      const beforeLive = read(
        live.filter((e) => !feed.scenarios.some((s) => s.crossingEventId === e.id)),
        ids,
        feed.today,
        read(feed.bulk, ids, feed.today),
      );
      for (const scenario of feed.scenarios) {
        const before = levelIn(beforeLive.get(scenario.householdId), standard);
        expect(before.oopFen).toBe(scenario.outOfPocketBeforeFen);
        expect(before.oopFen).toBeGreaterThan(0);
        expect(before.level, scenario.name).toBe('none');
      }
    },
  );

  it('are left alone by everything random in the trickle', () => {
    const feed = createFeed({ seed: 42, households: 30, now: new Date('2025-06-15T04:00:00Z') });
    const households = new Set(feed.scenarios.map((s) => s.householdId));
    const people = new Set(feed.scenarios.flatMap((s) => s.residentIds));
    const crossing = new Set(feed.scenarios.map((s) => s.crossingEventId));
    const touching = [...take(feed.live, 5000)].filter((e) => {
      if (crossing.has(e.id)) return false;
      const p = e.payload as Record<string, unknown>;
      return households.has(String(p.householdId)) || people.has(String(p.patientResidentId ?? p.residentId));
    });
    expect(touching).toEqual([]);
  });
});
