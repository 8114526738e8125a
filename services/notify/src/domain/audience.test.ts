import { describe, expect, it } from 'vitest';
import { type Audience, reaches } from './audience.ts';

const CHANGSHENG = '320585001001';
const FUNAN = '320585001002';
const base: Audience = {
  communityCode: CHANGSHENG,
  townCode: '320585001',
  assigneeUserId: 'u-a',
  standInUserIds: ['u-delegate'],
  toSupervisors: false,
  escalatedUserIds: [],
};
const handler = (userId: string, jurisdictions: string[]) => ({
  kind: 'user' as const,
  userId,
  role: 'case-handler' as const,
  jurisdictions,
});
const supervisor = (jurisdictions: string[]) => ({
  kind: 'user' as const,
  userId: 'u-sup',
  role: 'town-supervisor' as const,
  jurisdictions,
});

describe('who receives an alert event', () => {
  it('the assignee and the delegate standing in, when their token covers the community', () => {
    expect(reaches(base, handler('u-a', [CHANGSHENG]))).toBe(true);
    expect(reaches(base, handler('u-delegate', [FUNAN, CHANGSHENG]))).toBe(true);
    expect(reaches(base, handler('u-delegate', [FUNAN]))).toBe(false);
    expect(reaches(base, handler('u-a', [FUNAN]))).toBe(false);
  });

  it('not a colleague of the same community, nor a handler of another', () => {
    expect(reaches(base, handler('u-b', [CHANGSHENG]))).toBe(false);
    expect(reaches(base, handler('u-c', [FUNAN]))).toBe(false);
  });

  it('the town’s supervisors only on escalation (or when named), never another town’s', () => {
    expect(reaches(base, supervisor(['320585001']))).toBe(false);
    expect(reaches({ ...base, toSupervisors: true }, supervisor(['320585001']))).toBe(true);
    expect(reaches({ ...base, toSupervisors: true }, supervisor(['320585002']))).toBe(false);
    expect(reaches({ ...base, escalatedUserIds: ['u-sup'] }, supervisor(['320585001']))).toBe(true);
  });

  it('nobody when the community is not in the table', () => {
    expect(reaches({ ...base, communityCode: '999999999999' }, handler('u-a', ['999999999999']))).toBe(false);
  });
});
