// A wall clock a test can move forward, for the platform's processes: preloaded into each service
// (`movedClockEnv(file)` gives the NODE_OPTIONS), it adds the milliseconds written in `file` to
// `Date.now()` and to `new Date()`. Monotonic time (`performance.now()`, timers) is left alone, so
// the services run their real code on a calendar that has moved on: the way an SLA clock of an hour
// can run out inside a test of a minute, with discovery's own scheduler firing the breach. Every
// process of a platform reads the same file, so tokens that identity signs stay valid everywhere.
import { readFileSync } from 'node:fs';

const file = process.env.HUIMIN_MOVED_CLOCK_FILE;

if (file) {
  const RealDate = Date;
  let offset = 0;
  // A file read half-written keeps the offset it had: the clock never jumps back by accident.
  const readOffset = (): number => {
    try {
      const text = readFileSync(file, 'utf8').trim();
      return /^-?\d+$/.test(text) ? Number(text) : offset;
    } catch {
      return offset;
    }
  };
  offset = readOffset();
  setInterval(() => {
    offset = readOffset();
  }, 100).unref();
  const now = () => RealDate.now() + offset;
  const MovedDate = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget);
    },
    apply() {
      return new RealDate(now()).toString();
    },
    get(target, property) {
      return property === 'now' ? now : Reflect.get(target, property);
    },
  });
  globalThis.Date = MovedDate;
}
