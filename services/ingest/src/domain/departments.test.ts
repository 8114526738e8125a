import { events } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { departmentCodes, departments, grantFor, ingestibleTypes, outsideGrant } from './departments.ts';

describe('who may send what', () => {
  it('grants only feed types, and every feed type has a sender', () => {
    const feedTypes = Object.keys(events).filter((type) => type.startsWith('huimin.feed.'));
    expect([...ingestibleTypes].sort()).toEqual(feedTypes.sort());
  });

  it('the medical insurance bureau sends claims and nothing else', () => {
    expect(grantFor('medical-insurance-bureau', 'huimin.feed.medical-expense.recorded.v1')).toBeDefined();
    expect(grantFor('medical-insurance-bureau', 'huimin.feed.household.registered.v1')).toBeUndefined();
    expect(grantFor('grid-management', 'huimin.feed.medical-expense.recorded.v1')).toBeUndefined();
  });

  it('each department retracts only feeds it reports', () => {
    for (const code of departmentCodes) {
      const types = departments[code].grants.map((g) => g.type);
      for (const type of types.filter((t) => /retracted|reversed/.test(t))) {
        const topic = events[type].topic.name;
        expect(
          types.some((t) => t !== type && events[t].topic.name === topic),
          `${code} ${type}`,
        ).toBe(true);
      }
    }
  });

  it('grid workers report grid-worker signals under their own channel only', () => {
    const grant = grantFor('grid-management', 'huimin.feed.department-signal.reported.v1');
    if (!grant) throw new Error('grid management must be granted signals');
    expect(outsideGrant(grant, { kind: 'grid-worker-report', reportedBy: 'grid-management' })).toEqual([]);
    expect(
      outsideGrant(grant, { kind: 'death', reportedBy: 'public-security' }).map((v) => v.pointer),
    ).toEqual(['/kind', '/reportedBy']);
  });
});
