import { createHash } from 'node:crypto';
import {
  type EventType,
  isSyntheticResidentId,
  type MedicalExpenseRecorded,
  type MemberIncomeReported,
  validateEvent,
} from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { createFeed, take } from './feed.ts';
import type { FeedEvent } from './feed-event.ts';

const NOW = new Date('2025-06-15T04:00:00Z'); // 12:00 in Shanghai
const TODAY = '2025-06-15';

function ndjson(events: Iterable<FeedEvent>): string {
  let text = '';
  for (const event of events) text += `${JSON.stringify(event)}\n`;
  return text;
}

function sample(seed: number, households: number, live: number): { bulk: FeedEvent[]; live: FeedEvent[] } {
  const feed = createFeed({ seed, households, now: NOW });
  return { bulk: [...feed.bulk], live: [...take(feed.live, live)] };
}

describe('the feed is reproducible', () => {
  it('gives byte-identical streams for the same options, in separate feeds and repeated iterations', () => {
    const a = createFeed({ seed: 42, households: 120, now: NOW });
    const b = createFeed({ seed: 42, households: 120, now: NOW });
    const first = ndjson(a.bulk) + ndjson(take(a.live, 2000));
    const again = ndjson(a.bulk) + ndjson(take(a.live, 2000));
    const other = ndjson(b.bulk) + ndjson(take(b.live, 2000));
    const digest = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(first.length).toBeGreaterThan(100_000);
    expect(digest(again)).toBe(digest(first));
    expect(digest(other)).toBe(digest(first));
    expect(b.scenarios).toEqual(a.scenarios);
  });

  it('gives another county for another seed, and other event ids on another day', () => {
    const base = createFeed({ seed: 42, households: 50, now: NOW });
    const otherSeed = createFeed({ seed: 43, households: 50, now: NOW });
    const nextDay = createFeed({ seed: 42, households: 50, now: new Date('2025-06-16T04:00:00Z') });
    const ids = (feed: typeof base) => new Set([...feed.bulk].map((e) => e.id));
    const registered = (feed: typeof base) =>
      [...feed.bulk]
        .filter((e) => e.type === 'huimin.feed.household.registered.v1')
        .map((e) => JSON.stringify(e.payload.members));
    expect(registered(otherSeed)).not.toEqual(registered(base));
    // The people stay the same from one day to the next (a trickle started tomorrow still fits)…
    expect(registered(nextDay)).toEqual(registered(base));
    // …but no event id repeats, since ingest refuses a known id with a different body.
    const baseIds = ids(base);
    expect([...ids(nextDay)].filter((id) => baseIds.has(id))).toEqual([]);
  });

  it('gives every event a distinct id that ingest accepts as an event id', () => {
    const { bulk, live } = sample(7, 200, 3000);
    const ids = [...bulk, ...live].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,95}$/);
  });
});

// Which department sends which type, as ingest grants them (services/ingest's department table).
const SENDER: Partial<Record<EventType, readonly string[]>> = {
  'huimin.feed.household.registered.v1': ['household-registry'],
  'huimin.feed.household.updated.v1': ['household-registry'],
  'huimin.feed.member-income.reported.v1': ['human-resources', 'assistance-system'],
  'huimin.feed.household-assets.reported.v1': ['assistance-system'],
  'huimin.feed.assistance-enrolment.changed.v1': ['assistance-system'],
  'huimin.feed.disability.certified.v1': ['disabled-persons-federation'],
  'huimin.feed.medical-expense.recorded.v1': ['medical-insurance-bureau'],
  'huimin.feed.medical-expense.corrected.v1': ['medical-insurance-bureau'],
  'huimin.feed.medical-expense.reversed.v1': ['medical-insurance-bureau'],
  'huimin.feed.department-signal.reported.v1': ['human-resources', 'grid-management'],
};

describe('every event meets its contract', () => {
  it.each([1, 42, 2024, 4_294_967_295])('seed %i: schema, producer rules, sender and dates', (seed) => {
    const { bulk, live } = sample(seed, 150, 2500);
    const all = [...bulk, ...live];
    expect(all.length).toBeGreaterThan(4000);
    for (const event of all) {
      const result = validateEvent(event.type, event.payload);
      expect(result.ok ? [] : result.errors, `${event.type} ${event.id}`).toEqual([]);
      expect(SENDER[event.type], event.type).toContain(event.department);
      const payload = event.payload as Record<string, unknown>;
      // What already happened cannot be dated after today (ingest refuses it).
      for (const field of ['businessDate', 'dateOfCare'] as const) {
        const value = payload[field];
        if (typeof value === 'string') expect(value <= TODAY, `${event.type} ${field} ${value}`).toBe(true);
      }
    }
    // Only synthetic resident IDs (region 990000), never a real person's number.
    const residentIds = all.flatMap((e) => {
      const p = e.payload as Record<string, unknown>;
      const members = Array.isArray(p.members)
        ? (p.members as { residentId: string }[]).map((m) => m.residentId)
        : [];
      return [...members, p.residentId, p.patientResidentId].filter(
        (id): id is string => typeof id === 'string',
      );
    });
    expect(residentIds.length).toBeGreaterThan(1000);
    expect(residentIds.filter((id) => !isSyntheticResidentId(id))).toEqual([]);
  });

  it('sends signal kinds beyond the default only when asked', () => {
    const kinds = (signalKinds?: ('death' | 'hospitalisation' | 'unemployment' | 'grid-worker-report')[]) => {
      const feed = createFeed({
        seed: 5,
        households: 300,
        now: NOW,
        ...(signalKinds ? { signalKinds } : {}),
      });
      const seen = new Set<string>();
      for (const e of take(feed.live, 6000)) {
        if (e.type === 'huimin.feed.department-signal.reported.v1')
          seen.add(`${e.payload.kind}/${e.department}`);
      }
      return seen;
    };
    expect(kinds()).toEqual(new Set(['unemployment/human-resources', 'grid-worker-report/grid-management']));
    const all = kinds(['death', 'hospitalisation', 'unemployment', 'grid-worker-report']);
    expect(all).toContain('death/household-registry');
    expect(all).toContain('hospitalisation/medical-insurance-bureau');
  });
});

describe('the stream hangs together', () => {
  const { bulk, live } = sample(11, 400, 8000);
  const all = [...bulk, ...live];

  it('sends claims, incomes and updates only for people and households registered before them', () => {
    const households = new Map<string, Set<string>>();
    const everRegistered = new Set<string>();
    for (const event of all) {
      switch (event.type) {
        case 'huimin.feed.household.registered.v1':
        case 'huimin.feed.household.updated.v1': {
          if (event.type === 'huimin.feed.household.updated.v1') {
            expect(households.has(event.payload.householdId)).toBe(true);
          }
          const ids = new Set(event.payload.members.map((m) => m.residentId));
          households.set(event.payload.householdId, ids);
          for (const id of ids) everRegistered.add(id);
          break;
        }
        case 'huimin.feed.member-income.reported.v1':
          expect(households.get(event.payload.householdId)?.has(event.payload.residentId)).toBe(true);
          break;
        case 'huimin.feed.medical-expense.recorded.v1':
          expect(everRegistered.has(event.payload.patientResidentId)).toBe(true);
          break;
        default:
          break;
      }
    }
  });

  it('corrects and reverses only claims sent earlier, naming the event as ingest publishes it', () => {
    const recorded = new Map<string, MedicalExpenseRecorded>();
    let followUps = 0;
    for (const event of all) {
      if (event.type === 'huimin.feed.medical-expense.recorded.v1') {
        recorded.set(`${event.department}:${event.id}`, event.payload);
      }
      if (
        event.type === 'huimin.feed.medical-expense.corrected.v1' ||
        event.type === 'huimin.feed.medical-expense.reversed.v1'
      ) {
        followUps++;
        const named =
          event.type === 'huimin.feed.medical-expense.corrected.v1'
            ? event.payload.correctsEventId
            : event.payload.retractsEventId;
        const original = recorded.get(named ?? '');
        expect(original?.claimId).toBe(event.payload.claimId);
        expect(original?.patientResidentId).toBe(event.payload.patientResidentId);
        expect(event.payload.businessDate >= (original?.businessDate ?? '9999')).toBe(true);
      }
    }
    // About 3.7% of live claims are followed up.
    expect(followUps).toBeGreaterThan(100);
  });

  it('pays dibao as the gap between the standard and the household income', () => {
    const size = new Map<string, number>();
    const income = new Map<string, number>();
    let checked = 0;
    for (const event of bulk) {
      if (event.type === 'huimin.feed.household.registered.v1')
        size.set(event.payload.householdId, event.payload.members.length);
      if (event.type === 'huimin.feed.member-income.reported.v1') {
        const p: MemberIncomeReported = event.payload;
        income.set(
          p.householdId,
          (income.get(p.householdId) ?? 0) + p.incomes.reduce((s, i) => s + i.monthlyFen, 0),
        );
      }
      if (
        event.type === 'huimin.feed.assistance-enrolment.changed.v1' &&
        event.payload.programme === 'dibao'
      ) {
        const h = event.payload.householdId;
        // DOMAIN.md: monthly benefit = standard × household size − household monthly income.
        expect(event.payload.monthlyAmountFen).toBe(104_500 * (size.get(h) ?? 0) - (income.get(h) ?? 0));
        expect(event.payload.monthlyAmountFen).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2);
  });
});

describe('the county looks like Taicang', () => {
  const feed = createFeed({ seed: 3, households: 4000, now: NOW });
  const bulk = [...feed.bulk];
  const registered = bulk.flatMap((e) =>
    e.type === 'huimin.feed.household.registered.v1' ? [e.payload] : [],
  );
  const people = registered.flatMap((h) => h.members);
  const claims = [...bulk, ...take(feed.live, 20_000)].flatMap((e) =>
    e.type === 'huimin.feed.medical-expense.recorded.v1' ? [e.payload] : [],
  );

  it('has about 31% of people aged 60+ and households of 2–3 people on average', () => {
    const old = people.filter((p) => p.birthDate <= '1965-06-15').length / people.length;
    // DOMAIN.md: 158,400 people aged 60+ = 31.03% of the registered population.
    expect(old).toBeGreaterThan(0.27);
    expect(old).toBeLessThan(0.35);
    const meanSize = people.length / registered.length;
    expect(meanSize).toBeGreaterThan(2.3);
    expect(meanSize).toBeLessThan(3.1);
    const disabled = people.filter((p) => p.disability).length / people.length;
    expect(disabled).toBeGreaterThan(0.015);
    expect(disabled).toBeLessThan(0.06);
  });

  it('places every household in a Taicang community, with GCJ-02 coordinates near the county', () => {
    for (const h of registered) {
      expect(h.communityCode.startsWith(h.townCode)).toBe(true);
      expect(h.address.text.startsWith('太仓市')).toBe(true);
      expect(h.address.lng).toBeGreaterThan(120.9);
      expect(h.address.lng).toBeLessThan(121.4);
      expect(h.address.lat).toBeGreaterThan(31.3);
      expect(h.address.lat).toBeLessThan(31.8);
    }
    expect(new Set(registered.map((h) => h.townCode)).size).toBe(8);
  });

  it('has mostly small outpatient claims and a heavy tail of inpatient stays', () => {
    const inpatient = claims
      .filter((c) => c.inpatient)
      .map((c) => c.totalCostFen)
      .sort((a, b) => a - b);
    const outpatient = claims
      .filter((c) => !c.inpatient)
      .map((c) => c.totalCostFen)
      .sort((a, b) => a - b);
    const share = inpatient.length / claims.length;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.1);
    const median = outpatient[Math.floor(outpatient.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(15_000);
    expect(median).toBeLessThan(30_000);
    expect(outpatient.filter((f) => f >= 5_000 && f <= 80_000).length / outpatient.length).toBeGreaterThan(
      0.85,
    );
    expect(inpatient[0]).toBeGreaterThanOrEqual(500_000);
    expect(inpatient.at(-1)).toBeLessThanOrEqual(20_000_000);
    // Heavy tail: the top 5% of stays cost several times the median one.
    const p50 = inpatient[Math.floor(inpatient.length * 0.5)] ?? 0;
    const p95 = inpatient[Math.floor(inpatient.length * 0.95)] ?? 0;
    expect(p95).toBeGreaterThan(3 * p50);
  });

  it('has insurance and assistance pay a share, and some claims settled weeks after the care', () => {
    const oopShare =
      claims.reduce((s, c) => s + c.totalCostFen - c.insurancePaidFen - c.medicalAssistancePaidFen, 0) /
      claims.reduce((s, c) => s + c.totalCostFen, 0);
    expect(oopShare).toBeGreaterThan(0.2);
    expect(oopShare).toBeLessThan(0.5);
    const daysLate = (c: MedicalExpenseRecorded) =>
      (Date.parse(c.businessDate) - Date.parse(c.dateOfCare)) / 86_400_000;
    const late = claims.filter((c) => !c.inpatient && daysLate(c) >= 14).length / claims.length;
    expect(late).toBeGreaterThan(0.02);
    expect(late).toBeLessThan(0.12);
  });
});
