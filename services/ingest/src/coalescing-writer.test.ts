import { describe, expect, it } from 'vitest';
import { createCoalescingWriter } from './coalescing-writer.ts';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('group commit', () => {
  it('writes what arrived during a write in one go, live before bulk, bulk split at maxItems', async () => {
    const writes: string[][] = [];
    const first = gate();
    const writer = createCoalescingWriter<string>({
      maxItems: 3,
      write: async (items) => {
        writes.push(items);
        if (writes.length === 1) await first.opened;
      },
    });
    const a = writer.submit(['a'], 'live');
    const bulk = writer.submit(['b1', 'b2', 'b3', 'b4'], 'bulk');
    const live = writer.submit(['l1', 'l2'], 'live');
    first.open();
    expect(await Promise.all([a, bulk, live])).toEqual([{ written: 1 }, { written: 4 }, { written: 2 }]);
    expect(writes).toEqual([['a'], ['l1', 'l2', 'b1'], ['b2', 'b3', 'b4']]);
  });

  it('a failed write reports the prefix written and drops the rest of that submission', async () => {
    let calls = 0;
    const writes: string[][] = [];
    const writer = createCoalescingWriter<string>({
      maxItems: 2,
      write: async (items) => {
        calls++;
        if (calls === 2) throw new Error('broker gone');
        writes.push(items);
      },
    });
    const outcome = await writer.submit(['1', '2', '3', '4', '5'], 'bulk');
    expect(outcome.written).toBe(2);
    expect(outcome.error).toBeInstanceOf(Error);
    expect(writes).toEqual([['1', '2']]);
    // The writer keeps working afterwards.
    expect(await writer.submit(['6'], 'live')).toEqual({ written: 1 });
    await writer.idle();
  });
});
