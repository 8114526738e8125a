// Dates of care and quota months are Asia/Shanghai calendar dates; China keeps no DST, so a fixed
// +08:00 offset is exact.
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai month (YYYY-MM) of an instant. */
export function shanghaiMonth(at: Date): string {
  return shanghaiDate(at).slice(0, 7);
}

/** The instant a Shanghai wall-clock hour on a date begins. */
export function shanghaiInstant(date: string, hour: number, minute = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS + (hour * 60 + minute) * 60_000);
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole years from a birth date to a calendar date. */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
