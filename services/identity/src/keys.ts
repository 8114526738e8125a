import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type pg from 'pg';

export interface SigningKeys {
  /** The key new tokens are signed with. */
  active: { kid: string; key: CryptoKey };
  /** Public keys to publish: the active one and retired ones whose tokens may still be live. */
  jwks: { keys: JWK[] };
}

/**
 * Loads the signing keys, generating the first Ed25519 key on first start. Two replicas starting
 * together serialise on an advisory lock so they agree on one key. Private keys stay in Postgres
 * and are never logged.
 */
export async function loadSigningKeys(pool: pg.Pool, maxTokenLifetimeSeconds: number): Promise<SigningKeys> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtextextended('identity:signing-keys', 0))`);
    const { rows } = await client.query<{
      kid: string;
      private_jwk: JWK;
      public_jwk: JWK;
      retired_at: Date | null;
    }>(
      `select kid, private_jwk, public_jwk, retired_at from signing_keys
        where retired_at is null or retired_at > now() - make_interval(secs => $1)
        order by created_at desc`,
      [maxTokenLifetimeSeconds],
    );
    let active = rows.find((row) => row.retired_at === null);
    if (!active) {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
      const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
      await client.query('insert into signing_keys (kid, private_jwk, public_jwk) values ($1, $2, $3)', [
        kid,
        privateJwk,
        publicJwk,
      ]);
      active = { kid, private_jwk: privateJwk, public_jwk: publicJwk, retired_at: null };
      rows.unshift(active);
    }
    await client.query('commit');
    return {
      active: { kid: active.kid, key: (await importJWK(active.private_jwk, 'EdDSA')) as CryptoKey },
      jwks: { keys: rows.map((row) => row.public_jwk) },
    };
  } catch (err: unknown) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
