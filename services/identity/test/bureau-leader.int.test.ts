import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Identity, LOUDONG, startIdentity } from './harness.ts';

// The bureau's leaders: a read-only role over the county, for the plan's scorecard.

let id: Identity;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_bureau_leader' });
  await id.addPeople([{ id: 'u-admin', username: 'admin', role: 'bureau-admin', jurisdictions: ['320585'] }]);
});

afterAll(async () => {
  await id?.close();
});

describe('the bureau leader role', () => {
  it('is given over the county only, and its token says so', async () => {
    const create = async (jurisdictions: string[], username: string) =>
      id.inject({
        method: 'POST',
        url: '/v1/users',
        headers: bearer(await id.tokenOf('admin')),
        payload: {
          username,
          displayName: '局领导',
          password: 'a long enough password',
          role: 'bureau-leader',
          jurisdictions,
        },
      });
    expect((await create([LOUDONG], 'leader.town')).statusCode).toBe(422);
    expect((await create(['320585'], 'leader')).statusCode).toBe(201);
    const login = await id.login('leader', 'a long enough password');
    expect(login.statusCode).toBe(200);
    expect(await id.remoteVerifier().verify(login.json().accessToken as string)).toMatchObject({
      kind: 'user',
      role: 'bureau-leader',
      jurisdictions: ['320585'],
    });
  });
});
