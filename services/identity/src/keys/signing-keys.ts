import { randomUUID } from 'node:crypto';
import { type Queryable, withTransaction } from '@huimin/pg';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type pg from 'pg';
import type { KeySealer } from './key-sealer.ts';

export interface SigningKeyOptions {
  pool: pg.Pool;
  now: () => Date;
  /** Seals private keys at rest; without it they are stored as plain JWKs (dev only). */
  sealer?: KeySealer | undefined;
  /** The longest lifetime of a token signed (access and service tokens). */
  tokenLifetimeSeconds: number;
  /** Age at which the signing key is replaced. */
  rotateAfterSeconds: number;
  /**
   * How long a new key is published before it signs: longer than every replica's reload interval,
   * so no replica signs with a key its peers (or their JWKS) do not know yet.
   */
  publishLeadSeconds: number;
}

export interface SigningKeys {
  /** The key new tokens are signed with. Throws before the first `maintain()`. */
  active(): { kid: string; key: CryptoKey };
  /** The public keys to publish now: the next key, the active one, and retired ones whose tokens may live. */
  jwks(): JSONWebKeySet;
  /**
   * Creates the first key, schedules a successor when the active key is old, seals plain keys
   * when a sealer is configured, destroys private halves nobody needs, then reloads. Run at start
   * and periodically; replicas serialise on an advisory lock.
   */
  maintain(): Promise<void>;
  /** Reads the keys again (another replica or the CLI may have added one). */
  reload(): Promise<void>;
  /**
   * Adds a successor now. `compromised`: the current keys are withdrawn from the JWKS at once
   * (every token they signed stops verifying) and the new key signs immediately.
   */
  rotate(options?: { compromised?: boolean }): Promise<{ kid: string; activatesAt: Date }>;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  activatesAt: Date;
  privateKey: CryptoKey;
}

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  private_key: string | null;
  sealed: boolean;
  activates_at: Date;
}

const LOCK = `select pg_advisory_xact_lock(hashtextextended('identity:signing-keys', 0))`;
// Tokens are accepted 30 s past expiry (the verifiers' clock tolerance); keep keys a little longer.
const GRACE_SECONDS = 60;

export function createSigningKeys(options: SigningKeyOptions): SigningKeys {
  const { pool, now, sealer } = options;
  const retentionMs = (options.tokenLifetimeSeconds + GRACE_SECONDS) * 1000;
  let keys: LoadedKey[] = [];
  const imported = new Map<string, CryptoKey>();
  let published: { signature: string; set: JSONWebKeySet } | undefined;

  /** Index of the key signing at `at`: the newest one already activated. */
  const activeIndex = (at: Date): number => keys.findLastIndex((key) => key.activatesAt <= at);

  async function createKey(client: pg.PoolClient, activatesAt: Date): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' });
    await client.query(
      `insert into signing_keys (kid, public_jwk, private_key, sealed, activates_at, created_at)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        kid,
        publicJwk,
        sealer ? sealer.seal(privateJwk, kid) : privateJwk,
        sealer !== undefined,
        activatesAt,
        now(),
      ],
    );
    return kid;
  }

  /** A replica without the secret must not add a key in the clear beside sealed ones. */
  function refuseUnsealedBesideSealed(rows: readonly KeyRow[]): void {
    if (!sealer && rows.some((row) => row.sealed)) {
      throw new Error(
        'signing keys are sealed at rest: set SIGNING_KEY_SECRET to the secret that sealed them',
      );
    }
  }

  async function liveRows(client: Queryable): Promise<KeyRow[]> {
    const { rows } = await client.query<KeyRow>(
      `select kid, public_jwk, private_key, sealed, activates_at from signing_keys
        where withdrawn_at is null and private_key is not null order by activates_at, kid`,
    );
    return rows;
  }

  async function reload(): Promise<void> {
    const rows = await liveRows(pool);
    const next: LoadedKey[] = [];
    for (const row of rows) {
      let privateKey = imported.get(row.kid);
      if (!privateKey) {
        if (row.sealed && !sealer) {
          throw new Error(
            'signing keys are sealed at rest: set SIGNING_KEY_SECRET to the secret that sealed them',
          );
        }
        const text =
          row.sealed && sealer ? sealer.open(row.private_key ?? '', row.kid) : (row.private_key ?? '');
        privateKey = (await importJWK(JSON.parse(text) as JWK, 'EdDSA')) as CryptoKey;
        imported.set(row.kid, privateKey);
      }
      next.push({ kid: row.kid, publicJwk: row.public_jwk, activatesAt: row.activates_at, privateKey });
    }
    keys = next;
  }

  return {
    active() {
      const key = keys[activeIndex(now())];
      if (!key) throw new Error('no signing key is active yet');
      return { kid: key.kid, key: key.privateKey };
    },

    jwks() {
      const at = now();
      const current = activeIndex(at);
      const shown = keys.filter((_key, index) => {
        if (index >= current) return true; // the active key and any published ahead of use
        const successor = keys[index + 1];
        return successor !== undefined && at.getTime() - successor.activatesAt.getTime() < retentionMs;
      });
      const signature = shown.map((key) => key.kid).join(',');
      // The same object while the set is unchanged, so verifiers keep their imported keys.
      if (published?.signature !== signature) {
        published = { signature, set: { keys: shown.map((key) => key.publicJwk) } };
      }
      return published.set;
    },

    async maintain() {
      await withTransaction(pool, async (client) => {
        await client.query(LOCK);
        const at = now();
        const rows = await liveRows(client);
        refuseUnsealedBesideSealed(rows);
        const activeRows = rows.filter((row) => row.activates_at <= at);
        const newest = rows.at(-1);
        if (activeRows.length === 0) {
          // First start (or every key withdrawn): a key that signs at once.
          await createKey(client, at);
        } else if (newest && newest.activates_at <= at) {
          const age = at.getTime() - newest.activates_at.getTime();
          if (age >= options.rotateAfterSeconds * 1000) {
            await createKey(client, new Date(at.getTime() + options.publishLeadSeconds * 1000));
          }
        }
        if (sealer) {
          for (const row of rows.filter((r) => !r.sealed && r.private_key !== null)) {
            await client.query('update signing_keys set private_key = $2, sealed = true where kid = $1', [
              row.kid,
              sealer.seal(row.private_key ?? '', row.kid),
            ]);
          }
        }
        // A key whose successor has signed for longer than any token lives is never needed again.
        for (let i = 0; i + 1 < activeRows.length; i++) {
          const successor = activeRows[i + 1];
          const row = activeRows[i];
          if (row && successor && at.getTime() - successor.activates_at.getTime() >= retentionMs) {
            await client.query('update signing_keys set private_key = null where kid = $1', [row.kid]);
          }
        }
      });
      await reload();
    },

    reload,

    async rotate(rotation = {}) {
      const result = await withTransaction(pool, async (client) => {
        await client.query(LOCK);
        refuseUnsealedBesideSealed(await liveRows(client));
        const at = now();
        if (rotation.compromised) {
          await client.query(
            'update signing_keys set withdrawn_at = $1 where withdrawn_at is null and activates_at <= $1',
            [at],
          );
        }
        const activatesAt = rotation.compromised
          ? at
          : new Date(at.getTime() + options.publishLeadSeconds * 1000);
        return { kid: await createKey(client, activatesAt), activatesAt };
      });
      await reload();
      return result;
    },
  };
}
