import { describe, expect, it } from 'vitest';
import { handlersOnDuty } from './roster.ts';

const leave = {
  userId: 'li',
  startsAt: new Date('2026-03-02T00:00:00Z'),
  endsAt: new Date('2026-03-09T00:00:00Z'),
  delegateId: 'zhou',
};

describe('handlers on duty', () => {
  it('routes to the delegate only while the leave lasts', () => {
    expect(handlersOnDuty(['li', 'wang'], [leave], new Date('2026-03-01T23:59:59Z'))).toEqual([
      { userId: 'li' },
      { userId: 'wang' },
    ]);
    expect(handlersOnDuty(['li', 'wang'], [leave], new Date('2026-03-02T00:00:00Z'))).toEqual([
      { userId: 'zhou', onBehalfOf: 'li' },
      { userId: 'wang' },
    ]);
    expect(handlersOnDuty(['li'], [leave], new Date('2026-03-09T00:00:00Z'))).toEqual([{ userId: 'li' }]);
  });

  it('lists a delegate who is rostered too only once', () => {
    expect(handlersOnDuty(['li', 'zhou'], [leave], new Date('2026-03-05T00:00:00Z'))).toEqual([
      { userId: 'zhou', onBehalfOf: 'li' },
    ]);
  });
});
