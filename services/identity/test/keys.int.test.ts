import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGSHENG, type Identity, SECRET, startIdentity } from './harness.ts';

let id: Identity;

beforeAll(async () => {
  id = await startIdentity({
    name: 'identity_keys',
    env: { KEY_ROTATION_DAYS: '30', KEY_PUBLISH_LEAD_SECONDS: '300', ACCESS_TOKEN_TTL_SECONDS: '600' },
  });
  await id.addPeople([
    { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  ]);
});

afterAll(async () => {
  await id?.close();
});

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
const publishedKids = async (): Promise<string[]> =>
  ((await id.inject({ url: '/.well-known/jwks.json' })).json().keys as { kid: string }[]).map((k) => k.kid);

describe('signing keys', () => {
  it('keeps private keys sealed at rest, and will not start without the secret that sealed them', async () => {
    const { rows } = await id.env.pool.query<{ private_key: string; sealed: boolean }>(
      'select private_key, sealed from signing_keys',
    );
    expect(rows.length).toBe(1);
    expect(rows[0]?.sealed).toBe(true);
    expect(rows[0]?.private_key).not.toMatch(/"d"|Ed25519|OKP/);
    const { rows: published } = await id.env.pool.query<{ public_jwk: Record<string, unknown> }>(
      'select public_jwk from signing_keys',
    );
    expect(published[0]?.public_jwk).not.toHaveProperty('d');
    await expect(id.makeKeys(null).reload()).rejects.toThrow(/SIGNING_KEY_SECRET/);
    await expect(id.makeKeys(`${SECRET} but another`).reload()).rejects.toThrow();
  });

  it('gives replicas starting together one key', async () => {
    const replicas = [id.makeKeys(), id.makeKeys(), id.makeKeys()];
    await Promise.all(replicas.map((keys) => keys.maintain()));
    const kids = replicas.map((keys) => keys.active().kid);
    expect(new Set(kids).size).toBe(1);
    expect(kids[0]).toBe(id.keys.active().kid);
  });

  it('rotates by age: the next key is published before it signs, the old one stays until its tokens expire', async () => {
    const remote = id.remoteVerifier();
    const oldKid = id.keys.active().kid;
    expect(kidOf(await id.tokenOf('handler.li'))).toBe(oldKid);

    id.clock.advance(30 * 86_400_000 - 60_000); // a minute before the rotation age: nothing happens
    await id.keys.maintain();
    expect(await publishedKids()).toEqual([oldKid]);

    id.clock.advance(60_000);
    await id.keys.maintain();
    const [, nextKid] = await publishedKids();
    expect(nextKid).toBeDefined();
    // Published, not yet signing: verifiers can learn it first.
    expect(kidOf(await id.tokenOf('handler.li'))).toBe(oldKid);

    id.clock.advance(299_000);
    const lastOldToken = await id.tokenOf('handler.li');
    expect(kidOf(lastOldToken)).toBe(oldKid);
    // The lead has passed: the new key signs, and tokens from the old key still verify.
    id.clock.advance(1_000);
    const newToken = await id.tokenOf('handler.li');
    expect(kidOf(newToken)).toBe(nextKid);
    await expect(remote.verifyUser(newToken)).resolves.toMatchObject({ userId: 'u-li' });
    await expect(remote.verifyUser(lastOldToken)).resolves.toMatchObject({ userId: 'u-li' });
    expect(await publishedKids()).toEqual([oldKid, nextKid]);

    // Once every token of the old key has expired (10 min + grace), the old key leaves the JWKS
    // and maintenance destroys its private half.
    id.clock.advance(11 * 60_000);
    await id.keys.maintain();
    expect(await publishedKids()).toEqual([nextKid]);
    const { rows } = await id.env.pool.query<{ destroyed: boolean }>(
      'select private_key is null as destroyed from signing_keys where kid = $1',
      [oldKid],
    );
    expect(rows[0]?.destroyed).toBe(true);
    // Its kid is no longer published, so the token is refused before its expiry is even read.
    await expect(id.remoteVerifier().verifyUser(lastOldToken)).rejects.toMatchObject({
      failure: 'INVALID_TOKEN',
    });
  });

  it('withdraws a compromised key at once: its tokens stop verifying, a new key signs now', async () => {
    const remote = id.remoteVerifier();
    const before = await id.tokenOf('handler.li');
    await expect(remote.verifyUser(before)).resolves.toMatchObject({ userId: 'u-li' });
    const { kid } = await id.keys.rotate({ compromised: true });
    expect(await publishedKids()).toEqual([kid]);
    expect(kidOf(await id.tokenOf('handler.li'))).toBe(kid);
    // A fresh verifier (or one whose cache refreshes) finds the old kid gone.
    await expect(id.remoteVerifier().verifyUser(before)).rejects.toMatchObject({ failure: 'INVALID_TOKEN' });
    const me = await id.inject({ url: '/v1/me', headers: { authorization: `Bearer ${before}` } });
    expect(me.statusCode).toBe(401);
  });

  it('seals a key stored in the clear (before a secret was configured), and adds none in the clear', async () => {
    // A replica without the secret refuses to add a key beside sealed ones…
    await expect(id.makeKeys(null).rotate()).rejects.toThrow(/SIGNING_KEY_SECRET/);
    // …but a key stored in the clear earlier (a dev database from before sealing) is sealed in place.
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = 'plain-key';
    await id.env.pool.query(
      `insert into signing_keys (kid, public_jwk, private_key, sealed, activates_at) values ($1, $2, $3, false, $4)`,
      [
        kid,
        { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' },
        JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' }),
        new Date(id.clock.now.getTime() + 60_000),
      ],
    );
    await id.keys.maintain();
    const { rows } = await id.env.pool.query<{ sealed: boolean; private_key: string }>(
      'select sealed, private_key from signing_keys where kid = $1',
      [kid],
    );
    expect(rows[0]?.sealed).toBe(true);
    expect(rows[0]?.private_key).not.toContain('"d"');
    id.clock.advance(60_000);
    expect(id.keys.active().kid).toBe(kid);
  });
});
