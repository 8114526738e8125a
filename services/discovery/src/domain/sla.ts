import { type Static, Type } from '@sinclair/typebox';
import type { Priority } from './priority.ts';

const Hours = Type.Integer({ minimum: 1, maximum: 24 * 90 });
const Clock = Type.Union([Type.Literal('calendar'), Type.Literal('working')], {
  description: 'calendar hours, or working hours on the workday calendar below',
});
const Deadlines = Type.Object(
  { acknowledgeHours: Hours, visitHours: Hours, clock: Clock },
  { additionalProperties: false },
);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const TimeOfDay = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

/** SLA per priority, and the workday calendar (Asia/Shanghai) working-hour clocks count on. */
export const SlaPolicySchema = Type.Object(
  {
    priorities: Type.Object(
      { P1: Deadlines, P2: Deadlines, P3: Deadlines, P4: Deadlines },
      {
        additionalProperties: false,
      },
    ),
    workday: Type.Object({ start: TimeOfDay, end: TimeOfDay }, { additionalProperties: false }),
    holidays: Type.Array(Day, { maxItems: 400, description: 'days off that would be workdays (法定节假日)' }),
    makeUpWorkdays: Type.Array(Day, { maxItems: 100, description: 'weekend days worked (调休上班)' }),
  },
  { additionalProperties: false },
);
export type SlaPolicy = Static<typeof SlaPolicySchema>;

export function slaPolicyProblems(policy: SlaPolicy): string[] {
  const problems: string[] = [];
  if (minutesOf(policy.workday.end) <= minutesOf(policy.workday.start))
    problems.push('the workday must end after it starts');
  for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
    const d = policy.priorities[p];
    if (d.visitHours < d.acknowledgeHours)
      problems.push(`${p}: the visit deadline comes before acknowledgement`);
  }
  return problems;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
const SHANGHAI = 8 * HOUR;

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The Shanghai calendar day of an instant, as YYYY-MM-DD. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI).toISOString().slice(0, 10);
}

export function isWorkday(policy: SlaPolicy, day: string): boolean {
  if (policy.holidays.includes(day)) return false;
  if (policy.makeUpWorkdays.includes(day)) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** `hours` of working time after `from`: only workday hours of workdays count. */
export function addWorkingHours(policy: SlaPolicy, from: Date, hours: number): Date {
  let remaining = hours * HOUR;
  const open = minutesOf(policy.workday.start) * MINUTE;
  const close = minutesOf(policy.workday.end) * MINUTE;
  // Midnight (Shanghai) of `from`'s day, as a UTC instant.
  let midnight = Math.floor((from.getTime() + SHANGHAI) / DAY) * DAY - SHANGHAI;
  let cursor = from.getTime();
  for (let guard = 0; guard < 3660; guard++) {
    const day = shanghaiDay(new Date(midnight));
    if (isWorkday(policy, day)) {
      const start = Math.max(cursor, midnight + open);
      const end = midnight + close;
      if (start < end) {
        if (end - start >= remaining) return new Date(start + remaining);
        remaining -= end - start;
      }
    }
    midnight += DAY;
    cursor = midnight;
  }
  throw new Error('no working time within ten years: check the workday calendar');
}

export interface Deadlines {
  acknowledgeDueAt: Date;
  visitDueAt: Date;
}

export function deadlinesFor(policy: SlaPolicy, priority: Priority, from: Date): Deadlines {
  const d = policy.priorities[priority];
  const add = (hours: number) =>
    d.clock === 'working' ? addWorkingHours(policy, from, hours) : new Date(from.getTime() + hours * HOUR);
  return { acknowledgeDueAt: add(d.acknowledgeHours), visitDueAt: add(d.visitHours) };
}

/**
 * Version 1: calendar hours. The holiday and make-up-workday lists are a sample shaped like the State
 * Council's annual notice; the bureau enters each year's notice through the admin API.
 */
export const defaultSlaPolicy: SlaPolicy = {
  priorities: {
    P1: { acknowledgeHours: 2, visitHours: 24, clock: 'calendar' },
    P2: { acknowledgeHours: 24, visitHours: 72, clock: 'calendar' },
    P3: { acknowledgeHours: 72, visitHours: 168, clock: 'calendar' },
    P4: { acknowledgeHours: 120, visitHours: 336, clock: 'calendar' },
  },
  workday: { start: '08:30', end: '17:30' },
  holidays: [
    '2026-01-01',
    '2026-01-02',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-23',
    '2026-04-06',
    '2026-05-01',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
