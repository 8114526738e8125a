import { describe, expect, it } from 'vitest';
import { type Leave, overlaps, routeAlerts, standsInFor } from './roster.ts';

const t = (iso: string) => new Date(iso);
const everyone = new Set(['li', 'wang', 'zhou', 'chen']);
const liAway: Leave = {
  userId: 'li',
  startsAt: t('2026-03-02T00:00:00Z'),
  endsAt: t('2026-03-09T00:00:00Z'),
  delegateId: 'zhou',
};

describe('routing a community’s alerts', () => {
  it('goes to the delegate only while the leave lasts', () => {
    const at = (iso: string) => routeAlerts(['li', 'wang'], [liAway], everyone, t(iso)).handlers;
    expect(at('2026-03-01T23:59:59Z')).toEqual([{ userId: 'li' }, { userId: 'wang' }]);
    expect(at('2026-03-02T00:00:00Z')).toEqual([{ userId: 'zhou', onBehalfOf: 'li' }, { userId: 'wang' }]);
    expect(at('2026-03-08T23:59:59Z')).toEqual([{ userId: 'zhou', onBehalfOf: 'li' }, { userId: 'wang' }]);
    expect(at('2026-03-09T00:00:00Z')).toEqual([{ userId: 'li' }, { userId: 'wang' }]);
  });

  it('ends the delegation when the leave is cancelled', () => {
    const cut = { ...liAway, cancelledAt: t('2026-03-04T00:00:00Z') };
    expect(routeAlerts(['li'], [cut], everyone, t('2026-03-03T12:00:00Z')).handlers).toEqual([
      { userId: 'zhou', onBehalfOf: 'li' },
    ]);
    expect(routeAlerts(['li'], [cut], everyone, t('2026-03-05T12:00:00Z')).handlers).toEqual([
      { userId: 'li' },
    ]);
  });

  it('lists a delegate who is rostered too only once', () => {
    expect(routeAlerts(['li', 'zhou'], [liAway], everyone, t('2026-03-05T00:00:00Z')).handlers).toEqual([
      { userId: 'zhou', onBehalfOf: 'li' },
    ]);
  });

  it('follows the chain when the delegate is away too, and calls a loop uncovered', () => {
    const zhouAway: Leave = { ...liAway, userId: 'zhou', delegateId: 'chen' };
    expect(routeAlerts(['li'], [liAway, zhouAway], everyone, t('2026-03-05T00:00:00Z'))).toEqual({
      handlers: [{ userId: 'chen', onBehalfOf: 'li' }],
      uncovered: [],
    });
    const loop: Leave = { ...liAway, userId: 'zhou', delegateId: 'li' };
    expect(routeAlerts(['li'], [liAway, loop], everyone, t('2026-03-05T00:00:00Z'))).toEqual({
      handlers: [],
      uncovered: ['li'],
    });
  });

  it('calls a disabled handler, or one whose delegate is disabled, uncovered', () => {
    const withoutZhou = new Set(['li', 'wang']);
    expect(routeAlerts(['li', 'wang'], [liAway], withoutZhou, t('2026-03-05T00:00:00Z'))).toEqual({
      handlers: [{ userId: 'wang' }],
      uncovered: ['li'],
    });
  });
});

describe('standsInFor', () => {
  it('names the absent handlers a delegate covers, down the chain, only during the leave', () => {
    const zhouAway: Leave = { ...liAway, userId: 'zhou', delegateId: 'chen' };
    expect(standsInFor('zhou', [liAway], t('2026-03-05T00:00:00Z'))).toEqual(['li']);
    expect(standsInFor('zhou', [liAway], t('2026-03-10T00:00:00Z'))).toEqual([]);
    expect(standsInFor('chen', [liAway, zhouAway], t('2026-03-05T00:00:00Z'))).toEqual(['zhou', 'li']);
  });
});

describe('overlapping leave', () => {
  it('treats touching leaves as separate and a cancelled remainder as free', () => {
    const next = { startsAt: t('2026-03-09T00:00:00Z'), endsAt: t('2026-03-12T00:00:00Z') };
    expect(overlaps(next, liAway)).toBe(false);
    expect(overlaps({ ...next, startsAt: t('2026-03-08T00:00:00Z') }, liAway)).toBe(true);
    const cut = { ...liAway, cancelledAt: t('2026-03-04T00:00:00Z') };
    expect(overlaps({ ...next, startsAt: t('2026-03-05T00:00:00Z') }, cut)).toBe(false);
  });
});
