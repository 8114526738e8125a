import { shanghaiDateOf } from '@huimin/contracts';

// Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a day there is a fixed
// 86,400,000 ms span of UTC: the calendar date needs computing once per day, not per event.
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
let memo = { day: Number.NaN, date: '' };

/** The Asia/Shanghai calendar date (YYYY-MM-DD) at `instant`, as `shanghaiDateOf`, but cached. */
export function shanghaiDay(instant: Date): string {
  const day = Math.floor((instant.getTime() + OFFSET_MS) / DAY_MS);
  if (day !== memo.day) memo = { day, date: shanghaiDateOf(instant) };
  return memo.date;
}
