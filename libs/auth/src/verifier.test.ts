import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, signToken, userTokenPayload } from './claims.ts';
import { createTokenVerifier } from './verifier.ts';

// The verifier against an issuer whose published keys the test changes: tokens must expire, and
// a key the issuer withdraws stops verifying within a minute, on every service's verifier.

const claims = { userId: 'u-li', role: 'case-handler' as const, jurisdictions: ['320585001001'] };
let server: Server;
let issuer: string;
let published: JWK[] = [];
let fetches = 0;
let key: CryptoKey;
const kid = 'key-1';

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  key = pair.privateKey;
  published = [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' }];
  server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the token verifier', () => {
  it('refuses a token without an expiry, even signed with the issuer’s own key', async () => {
    const at = new Date();
    const verifier = createTokenVerifier({ issuers: [{ issuer, jwksUrl: `${issuer}/jwks` }], now: () => at });
    const forever = await new SignJWT(userTokenPayload(claims))
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(claims.userId)
      .setIssuedAt()
      .sign(key);
    await expect(verifier.verify(forever)).rejects.toMatchObject({ failure: 'INVALID_TOKEN' });
    const expiring = await signToken(userTokenPayload(claims), {
      subject: claims.userId,
      issuer,
      key,
      kid,
      ttlSeconds: 600,
      now: at,
    });
    expect(await verifier.verify(expiring)).toMatchObject({ userId: 'u-li' });
  });

  it('stops accepting a withdrawn key within a minute, without a restart', async () => {
    const clock = { at: new Date() };
    const verifier = createTokenVerifier({
      issuers: [{ issuer, jwksUrl: `${issuer}/jwks` }],
      now: () => clock.at,
    });
    const token = () =>
      signToken(userTokenPayload(claims), {
        subject: claims.userId,
        issuer,
        key,
        kid,
        ttlSeconds: 3600,
        now: clock.at,
      });
    expect(await verifier.verify(await token())).toMatchObject({ userId: 'u-li' });
    const before = fetches;
    published = []; // the issuer withdraws its key
    clock.at = new Date(clock.at.getTime() + 60_000);
    await expect(verifier.verify(await token())).rejects.toMatchObject({ failure: 'INVALID_TOKEN' });
    expect(fetches).toBeGreaterThan(before);
  });

  it('never keeps a fetched key set longer than a minute, whatever it is asked', async () => {
    const clock = { at: new Date() };
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    published = [{ ...(await exportJWK(pair.publicKey)), kid: 'key-2', alg: 'EdDSA', use: 'sig' }];
    const verifier = createTokenVerifier({
      issuers: [{ issuer, jwksUrl: `${issuer}/jwks` }],
      now: () => clock.at,
      jwksMaxAgeMs: 3_600_000,
    });
    const token = await signToken(userTokenPayload(claims), {
      subject: claims.userId,
      issuer,
      key: pair.privateKey,
      kid: 'key-2',
      ttlSeconds: 3600,
      now: clock.at,
    });
    expect(await verifier.verify(token)).toMatchObject({ userId: 'u-li' });
    published = [];
    clock.at = new Date(clock.at.getTime() + 59_000);
    expect(await verifier.verify(token)).toMatchObject({ userId: 'u-li' }); // still within the minute
    clock.at = new Date(clock.at.getTime() + 1_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ failure: 'INVALID_TOKEN' });
  });
});
