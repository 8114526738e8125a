import { createHttpServer, createMetricsRegistry, type HttpServer } from '@huimin/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleGateway } from '../../notify/src/handlers/console-gateway.ts';
import { CHANGSHENG, type Identity, PASSWORD, startIdentity } from './harness.ts';

// Every console login reaches identity from notify's address. identity, trusting exactly the one
// hop the dev stack and Kubernetes configure, counts each browser by the address notify saw — and
// notify sets that header itself, so a browser cannot name someone else's address.

let id: Identity;
let gateway: HttpServer;

beforeAll(async () => {
  id = await startIdentity({
    name: 'identity_behind_gateway',
    env: { TRUSTED_PROXY_HOPS: '1', LOGIN_RATE_PER_MINUTE: '3' },
  });
  await id.addPeople([
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
    { id: 'u-wang', username: 'handler.wang', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  ]);
  gateway = await createHttpServer({
    name: 'notify',
    logger: id.env.logger,
    registry: createMetricsRegistry({ service: 'notify' }),
  });
  await registerConsoleGateway(gateway, {
    discoveryUrl: 'http://127.0.0.1:9',
    scorecardUrl: 'http://127.0.0.1:9',
    identityUrl: id.baseUrl,
    logger: id.env.logger,
  });
  await gateway.ready();
});

afterAll(async () => {
  await gateway?.close();
  await id?.close();
});

const login = (
  browser: string,
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
) =>
  gateway.inject({
    method: 'POST',
    url: '/api/identity/v1/auth/login',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ username, password }),
    remoteAddress: browser,
  });

describe('logins through the console gateway', () => {
  it('a flood from one browser leaves another browser’s login working, whatever address the flood claims', async () => {
    id.clock.advance(60_000); // a fresh window
    const flood = [];
    for (let i = 0; i < 6; i++)
      flood.push(
        (
          await login('203.0.113.10', 'handler.li', 'wrong password', {
            'x-forwarded-for': `198.51.100.${i}`,
          })
        ).statusCode,
      );
    expect(flood).toEqual([401, 401, 401, 429, 429, 429]);
    const other = await login('203.0.113.20', 'handler.wang');
    expect(other.statusCode).toBe(200);
    expect(other.json().user.id).toBe('u-wang');
  });

  it('wrong passwords from one browser do not lock the account for another', async () => {
    id.clock.advance(60_000);
    for (let i = 0; i < 3; i++)
      expect((await login('203.0.113.30', 'handler.wang', 'wrong password')).statusCode).toBe(401);
    id.clock.advance(60_000);
    for (let i = 0; i < 2; i++)
      expect((await login('203.0.113.30', 'handler.wang', 'wrong password')).statusCode).toBe(401);
    const slowed = await login('203.0.113.30', 'handler.wang');
    expect([slowed.statusCode, slowed.json().code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(slowed.headers['retry-after']).toBe('30');
    expect((await login('203.0.113.40', 'handler.wang')).statusCode).toBe(200);
  });

  it('behind an ingress, counts the client the ingress names, not the ingress', async () => {
    const behindIngress = await createHttpServer({
      name: 'notify',
      logger: id.env.logger,
      registry: createMetricsRegistry({ service: 'notify' }),
      trustedProxyHops: 1,
    });
    await registerConsoleGateway(behindIngress, {
      discoveryUrl: 'http://127.0.0.1:9',
      scorecardUrl: 'http://127.0.0.1:9',
      identityUrl: id.baseUrl,
      logger: id.env.logger,
    });
    // The ingress appends the client it saw to whatever the browser sent.
    const viaIngress = (client: string, forged: string) =>
      behindIngress.inject({
        method: 'POST',
        url: '/api/identity/v1/auth/login',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `${forged}, ${client}` },
        payload: JSON.stringify({ username: 'handler.li', password: 'wrong password' }),
        remoteAddress: '10.0.0.5',
      });
    id.clock.advance(60_000);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await viaIngress('203.0.113.50', `198.51.100.${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    expect((await viaIngress('203.0.113.51', '203.0.113.50')).statusCode).toBe(401);
    await behindIngress.close();
  });
});
