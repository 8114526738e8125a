// The bureau works on Beijing time (UTC+8, no daylight saving): deadlines shown to people and the
// digest's hour are in Asia/Shanghai, computed with a fixed offset so no time-zone data is needed.
const OFFSET_MS = 8 * 3600_000;

/** `2026-03-03 12:00` on the Asia/Shanghai clock. */
export function shanghaiMinute(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of `HH:MM` on a Shanghai calendar date. */
export function shanghaiInstant(date: string, hhmm: string): Date {
  return new Date(new Date(`${date}T${hhmm}:00.000Z`).getTime() - OFFSET_MS);
}

/** The next time the clock shows `HH:MM` in Shanghai, strictly after `now`, with its date. */
export function nextShanghaiTime(now: Date, hhmm: string): { date: string; at: Date } {
  let date = shanghaiDate(now);
  let at = shanghaiInstant(date, hhmm);
  if (at.getTime() <= now.getTime()) {
    date = shanghaiDate(new Date(at.getTime() + 24 * 3600_000));
    at = shanghaiInstant(date, hhmm);
  }
  return { date, at };
}
