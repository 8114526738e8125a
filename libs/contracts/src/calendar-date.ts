// Calendar dates travel as 'YYYY-MM-DD' strings on the Asia/Shanghai calendar (dates of care,
// business dates, birth dates); instants travel as RFC 3339 strings in UTC.

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real Gregorian date written YYYY-MM-DD (rejects 2023-02-29, 2024-13-01, …). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_SHAPE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids any local-zone surprise.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// Validation asks for today's date once per resident ID (a birth date must not be in the future):
// the last answer serves every instant in the same second, which is always the same date.
let lastSecond = Number.NaN;
let lastDate = '';

/** The calendar date in Asia/Shanghai at the given instant, as YYYY-MM-DD. */
export function shanghaiDateOf(instant: Date): string {
  const second = Math.floor(instant.getTime() / 1000);
  if (second !== lastSecond) {
    // en-CA formats as YYYY-MM-DD. An invalid date throws here, as before.
    lastDate = shanghaiDate.format(instant);
    lastSecond = second;
  }
  return lastDate;
}

const INSTANT_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** True for an RFC 3339 date-time with an explicit offset (what CloudEvents `time` requires). */
export function isInstant(value: string): boolean {
  if (!INSTANT_SHAPE.test(value)) return false;
  if (!isCalendarDate(value.slice(0, 10))) return false;
  const hour = Number(value.slice(11, 13));
  const minute = Number(value.slice(14, 16));
  const second = Number(value.slice(17, 19));
  // 60 allows a leap second, as RFC 3339 does.
  return hour <= 23 && minute <= 59 && second <= 60 && !Number.isNaN(Date.parse(value));
}
