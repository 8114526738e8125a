// Tokens no service may trust. The dev platform keeps identity's signing key unsealed in its own
// schema, so the suite can sign with the real key: a token that is correctly signed but expired,
// for another audience or from another issuer must be refused as firmly as a forged one.

import { createHmac } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Platform } from '../platform.ts';

export interface HostileToken {
  name: string;
  token: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function hostileTokens(platform: Platform): Promise<HostileToken[]> {
  const issuer = platform.url('identity');
  const pool = platform.pool('identity');
  const { rows } = await pool.query<{ kid: string; private_key: string; public_jwk: JWK; sealed: boolean }>(
    `select kid, private_key, public_jwk, sealed from signing_keys
      where withdrawn_at is null and private_key is not null and activates_at <= now()
      order by activates_at desc limit 1`,
  );
  const [row] = rows;
  if (!row || row.sealed) throw new Error('the dev platform should keep one active, unsealed signing key');
  const key = await importJWK(JSON.parse(row.private_key) as JWK, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const admin = { typ: 'user', role: 'bureau-admin', jur: ['320585'] };
  const sign = (
    payload: Record<string, unknown>,
    claims: { iss?: string; aud?: string; iat?: number; exp?: number; sub?: string },
    signingKey: CryptoKey | Uint8Array = key as CryptoKey,
    kid = row.kid,
  ) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .setSubject(claims.sub ?? 'u-admin')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? 'huimin')
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 600)
      .sign(signingKey);
  const stranger = await generateKeyPair('EdDSA');
  const strangerJwk = await exportJWK(stranger.publicKey);
  // alg confusion: HS256 keyed with the public key's bytes, as a naive verifier would check it.
  const confusedHeader = b64({ alg: 'HS256', kid: row.kid, typ: 'JWT' });
  const confusedBody = b64({
    ...admin,
    sub: 'u-admin',
    iss: issuer,
    aud: 'huimin',
    iat: now,
    exp: now + 600,
  });
  const confusedSig = createHmac('sha256', JSON.stringify(row.public_jwk))
    .update(`${confusedHeader}.${confusedBody}`)
    .digest('base64url');
  return [
    { name: 'garbage', token: 'not-a-token' },
    { name: 'alg none', token: `${b64({ alg: 'none' })}.${b64({ ...admin, sub: 'u-admin' })}.` },
    { name: 'expired', token: await sign(admin, { iat: now - 3_600, exp: now - 1_800 }) },
    { name: 'other audience', token: await sign(admin, { aud: 'another-platform' }) },
    { name: 'other issuer', token: await sign(admin, { iss: 'https://issuer.example.invalid' }) },
    {
      name: 'stranger key, real kid',
      token: await sign(admin, {}, stranger.privateKey, row.kid),
    },
    {
      name: 'stranger key, own kid',
      token: await sign(admin, {}, stranger.privateKey, strangerJwk.x ?? 'x'),
    },
    { name: 'HS256 with the public key', token: `${confusedHeader}.${confusedBody}.${confusedSig}` },
    { name: 'no role', token: await sign({ typ: 'user', jur: ['320585'] }, {}) },
    { name: 'unknown role', token: await sign({ typ: 'user', role: 'root', jur: ['320585'] }, {}) },
  ];
}
