import { checkServiceCall, createServiceTokenClient, devServiceCredentials } from '@huimin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/domain/passwords.ts';
import { bearer, CHANGSHENG, FUNAN, type Identity, LOUDONG, startIdentity } from './harness.ts';

let id: Identity;
const ROUTING = `/v1/rosters/communities/${CHANGSHENG}/handlers`;

beforeAll(async () => {
  id = await startIdentity({ name: 'identity_services' });
  await id.addPeople([
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-zhou', username: 'handler.zhou', role: 'case-handler', jurisdictions: [FUNAN] },
    { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: [LOUDONG] },
  ]);
  for (const service of ['discovery', 'risk', 'notify']) {
    const { clientId, clientSecret } = devServiceCredentials(service);
    await id.app.users.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));
  }
});

afterAll(async () => {
  await id?.close();
});

const tokenRequest = (form: string, headers: Record<string, string> = {}) =>
  id.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: form,
  });

describe('service tokens (OAuth2 client credentials)', () => {
  it('issues a service token for the right secret, in the body or as HTTP Basic, and refuses a wrong one', async () => {
    const { clientId, clientSecret } = devServiceCredentials('discovery');
    const wrong = await tokenRequest(
      `grant_type=client_credentials&client_id=${clientId}&client_secret=guess`,
    );
    expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'INVALID_CLIENT']);
    const form = await tokenRequest(
      `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    );
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    const basic = await tokenRequest('grant_type=client_credentials', {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    });
    expect(basic.statusCode).toBe(200);
    expect(await id.remoteVerifier().verifyService(basic.json().access_token)).toEqual({
      kind: 'service',
      service: 'discovery',
    });
    expect((await tokenRequest('grant_type=password&username=x&password=y')).statusCode).toBe(400);
  });

  it('refuses a revoked client', async () => {
    const { clientId, clientSecret } = devServiceCredentials('notify');
    await id.app.users.revokeServiceClient(clientId, id.clock.now);
    const res = await tokenRequest(
      `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    );
    expect(res.json().code).toBe('INVALID_CLIENT');
  });

  it('lets a service fetch and reuse its token from a running identity', async () => {
    const client = createServiceTokenClient({
      identityUrl: id.baseUrl,
      ...devServiceCredentials('discovery'),
    });
    const first = await client.token();
    expect(await client.token()).toBe(first);
    expect(await id.remoteVerifier().verifyService(first)).toEqual({ kind: 'service', service: 'discovery' });
  });
});

describe('internal calls', () => {
  it('refuses the routing roster without a token, to a service not on its list, and to a person outside', async () => {
    const discovery = createServiceTokenClient({
      identityUrl: id.baseUrl,
      ...devServiceCredentials('discovery'),
    });
    const risk = createServiceTokenClient({ identityUrl: id.baseUrl, ...devServiceCredentials('risk') });
    expect((await id.inject({ url: ROUTING })).statusCode).toBe(401);
    expect((await id.inject({ url: ROUTING, headers: await risk.headers() })).statusCode).toBe(403);
    expect(
      (await id.inject({ url: ROUTING, headers: bearer(await id.tokenOf('handler.zhou')) })).statusCode,
    ).toBe(404);
    const allowed = await id.inject({ url: ROUTING, headers: await discovery.headers() });
    expect([allowed.statusCode, allowed.json().communityCode]).toEqual([200, CHANGSHENG]);
    expect(
      (await id.inject({ url: ROUTING, headers: bearer(await id.tokenOf('handler.li')) })).statusCode,
    ).toBe(200);
  });

  it('checks a gRPC-style authorization value: no token, a person’s token, another service', async () => {
    const verifier = id.remoteVerifier();
    const discovery = createServiceTokenClient({
      identityUrl: id.baseUrl,
      ...devServiceCredentials('discovery'),
    });
    const risk = createServiceTokenClient({ identityUrl: id.baseUrl, ...devServiceCredentials('risk') });
    expect(await checkServiceCall(verifier, [], ['discovery'])).toMatchObject({ ok: false, grpcStatus: 16 });
    expect(
      await checkServiceCall(verifier, [`Bearer ${await id.tokenOf('supervisor.loudong')}`], ['discovery']),
    ).toMatchObject({ ok: false, grpcStatus: 16, httpStatus: 401 });
    expect(
      await checkServiceCall(verifier, [(await risk.headers()).authorization], ['discovery']),
    ).toMatchObject({
      ok: false,
      grpcStatus: 7,
    });
    expect(
      await checkServiceCall(verifier, [(await discovery.headers()).authorization], ['discovery']),
    ).toEqual({
      ok: true,
      principal: { kind: 'service', service: 'discovery' },
    });
  });
});
