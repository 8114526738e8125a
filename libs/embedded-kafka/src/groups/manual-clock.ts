import type { Clock } from '../protocol/api.ts';

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  pendingTimers(): number;
}

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to: lets unit tests walk through session and rebalance timeouts. */
export function manualClock(startAt = 0): ManualClock {
  let now = startAt;
  let seq = 0;
  const timers = new Set<Timer>();
  const nextDue = (limit: number): Timer | undefined => {
    let next: Timer | undefined;
    for (const t of timers) {
      if (t.due > limit) continue;
      if (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
    }
    return next;
  };
  return {
    now: () => now,
    setTimer(ms, fn) {
      const timer: Timer = { due: now + Math.max(0, ms), seq: seq++, fn };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    advance(ms) {
      const target = now + ms;
      for (let t = nextDue(target); t; t = nextDue(target)) {
        timers.delete(t);
        now = t.due;
        t.fn();
      }
      now = target;
    },
    pendingTimers: () => timers.size,
  };
}
