/**
 * Gets and caches this service's own token for calls to other services (OAuth2 client
 * credentials at identity). The token is renewed a minute before it expires; concurrent callers
 * share one request.
 */
export interface ServiceTokenClient {
  token(): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for fetch or gRPC metadata. */
  headers(): Promise<{ authorization: string }>;
}

export function createServiceTokenClient(options: {
  /** identity's base URL, e.g. http://127.0.0.1:8087 */
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  now?: () => number;
}): ServiceTokenClient {
  const now = options.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await fetch(new URL('/v1/oauth/token', options.identityUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      }).toString(),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`identity refused service client ${options.clientId}: ${res.status}`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    cached = { token: body.access_token, renewAt: now() + Math.max(0, body.expires_in - 60) * 1000 };
    return body.access_token;
  }

  async function token(): Promise<string> {
    if (cached && now() < cached.renewAt) return cached.token;
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    token,
    async headers() {
      return { authorization: `Bearer ${await token()}` };
    },
  };
}

/** The dev-stack convention: client id = the service's name, secret `dev-<name>-secret`. */
export function devServiceCredentials(service: string): { clientId: string; clientSecret: string } {
  return { clientId: service, clientSecret: `dev-${service}-secret` };
}
