import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { serviceTokenPayload, signToken, type UserClaims, userTokenPayload } from './claims.ts';

export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  /** A person's access token (default lifetime 10 minutes). */
  userToken(claims: UserClaims, options?: { ttlSeconds?: number; now?: Date }): Promise<string>;
  serviceToken(service: string, options?: { ttlSeconds?: number; now?: Date }): Promise<string>;
  close(): Promise<void>;
}

/**
 * A throwaway token issuer for other services' tests: its own Ed25519 key, its JWKS served on a
 * local port, tokens with the same claims identity issues. Tests then exercise the real verifier
 * end to end without starting identity.
 */
export async function createTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = crypto.randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    userToken: (claims, options = {}) =>
      signToken(userTokenPayload(claims), {
        subject: claims.userId,
        issuer,
        key: privateKey,
        kid,
        ttlSeconds: options.ttlSeconds ?? 600,
        ...(options.now ? { now: options.now } : {}),
      }),
    serviceToken: (service, options = {}) =>
      signToken(serviceTokenPayload(), {
        subject: service,
        issuer,
        key: privateKey,
        kid,
        ttlSeconds: options.ttlSeconds ?? 600,
        ...(options.now ? { now: options.now } : {}),
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
