import { describe, expect, it } from 'vitest';
import {
  addWorkingHours,
  deadlinesFor,
  defaultSlaPolicy,
  isWorkday,
  type SlaPolicy,
  slaPolicyProblems,
} from './sla.ts';

const working: SlaPolicy = {
  ...defaultSlaPolicy,
  priorities: {
    ...defaultSlaPolicy.priorities,
    P2: { acknowledgeHours: 4, visitHours: 18, clock: 'working' },
  },
  workday: { start: '08:30', end: '17:30' },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
  makeUpWorkdays: ['2026-10-10'],
};
// Shanghai wall time → instant (UTC+8).
const sh = (wall: string) => new Date(`${wall}+08:00`);

describe('SLA deadlines', () => {
  it('counts calendar hours by default: P1 acknowledge in 2 h, visit in 24 h', () => {
    const d = deadlinesFor(defaultSlaPolicy, 'P1', sh('2026-10-01T23:00:00'));
    expect(d.acknowledgeDueAt).toEqual(sh('2026-10-02T01:00:00'));
    expect(d.visitDueAt).toEqual(sh('2026-10-02T23:00:00'));
  });

  it('counts working hours within the workday, carrying over to the next workday', () => {
    // Thursday 2026-11-26 15:30: 2 h today, 2 h Friday morning.
    expect(addWorkingHours(working, sh('2026-11-26T15:30:00'), 4)).toEqual(sh('2026-11-27T10:30:00'));
    // Before opening starts at opening; exactly the whole day ends at closing.
    expect(addWorkingHours(working, sh('2026-11-26T06:00:00'), 9)).toEqual(sh('2026-11-26T17:30:00'));
  });

  it('skips weekends and holidays and works the make-up Saturday', () => {
    // Friday 17:00 → 0.5 h Friday, then Monday.
    expect(addWorkingHours(working, sh('2026-11-27T17:00:00'), 1)).toEqual(sh('2026-11-30T09:00:00'));
    // Wednesday 30 Sept 17:00: 1 Oct (Thu) and 2 Oct (Fri) are holidays, 3–4 the weekend, 5 Oct a holiday.
    expect(addWorkingHours(working, sh('2026-09-30T17:00:00'), 1)).toEqual(sh('2026-10-06T09:00:00'));
    // Saturday 10 Oct is a make-up workday.
    expect(isWorkday(working, '2026-10-10')).toBe(true);
    expect(addWorkingHours(working, sh('2026-10-09T17:30:00'), 1)).toEqual(sh('2026-10-10T09:30:00'));
  });

  it('uses the working clock where the policy says so', () => {
    const d = deadlinesFor(working, 'P2', sh('2026-11-27T16:30:00'));
    expect(d.acknowledgeDueAt).toEqual(sh('2026-11-30T11:30:00'));
    // 1 h Friday, 9 h Monday, 8 h Tuesday.
    expect(d.visitDueAt).toEqual(sh('2026-12-01T16:30:00'));
  });

  it('refuses a workday that ends before it starts, and a visit due before acknowledgement', () => {
    expect(
      slaPolicyProblems({
        ...working,
        workday: { start: '17:00', end: '09:00' },
        priorities: { ...working.priorities, P3: { acknowledgeHours: 10, visitHours: 5, clock: 'calendar' } },
      }),
    ).toEqual([
      'the workday must end after it starts',
      'P3: the visit deadline comes before acknowledgement',
    ]);
    expect(slaPolicyProblems(defaultSlaPolicy)).toEqual([]);
  });
});
