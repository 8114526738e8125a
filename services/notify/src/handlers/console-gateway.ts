import type { HttpServer, Logger } from '@huimin/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console is served from notify, so its calls to discovery, identity, the scorecard and the
 * assistance service go through notify too
 * (same origin: no CORS on either service, and the access token never crosses origins). Only the
 * calls the console makes are forwarded; anything else under /api answers 404 here, so the gateway
 * cannot be used to reach the other services' admin, policy or service-token endpoints.
 */
export interface ConsoleGatewayOptions {
  discoveryUrl: string;
  identityUrl: string;
  scorecardUrl: string;
  /** Temporary assistance; without it the console's assistance calls answer 404. */
  assistanceUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PUT';
interface Route {
  method: Method;
  path: RegExp;
}

const ALERT = 'ALR-\\d{4}-\\d{6,9}';
const APPLICATION = 'TA-\\d{4}-\\d{6}';
const CODE = '\\d{9}|\\d{12}';
const ID = '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';
const route = (method: Method, path: string): Route => ({ method, path: new RegExp(`^${path}$`) });

/** What the console may ask each service, by method and path (the query string is passed on). */
export const consoleRoutes: Record<'discovery' | 'identity' | 'scorecard' | 'assistance', Route[]> = {
  discovery: [
    route('GET', '/v1/alerts'),
    route('POST', '/v1/alerts'),
    route('GET', '/v1/alerts/export\\.csv'),
    route('GET', `/v1/alerts/${ALERT}`),
    route('POST', `/v1/alerts/${ALERT}/(acknowledge|visit|resolve|dismiss|reassign|notes)`),
    route('GET', `/v1/alerts/${ALERT}/notes/N-[0-9a-f-]{36}/attachments/[1-3]`),
    route('GET', `/v1/alerts/${ALERT}/subject`),
    route('GET', '/v1/statistics'),
    route('GET', `/v1/households/${ID}/view`),
  ],
  identity: [
    route('POST', '/v1/auth/(login|refresh|logout)'),
    route('GET', '/v1/me'),
    route('GET', '/v1/users'),
    route('GET', `/v1/rosters/communities/(${CODE})`),
    route('PUT', `/v1/rosters/communities/(${CODE})`),
    route('GET', `/v1/rosters/communities/(${CODE})/handlers`),
    route('GET', '/v1/leaves'),
    route('POST', '/v1/leaves'),
    route('POST', `/v1/leaves/${ID}/cancel`),
  ],
  scorecard: [
    route('GET', '/v1/scorecard'),
    route('GET', '/v1/scorecard\\.(csv|pdf)'),
    route('GET', '/v1/scorecard/facts'),
    route('POST', '/v1/scorecard/facts'),
  ],
  assistance: [
    route('GET', '/v1/proposals'),
    route('GET', '/v1/applications'),
    route('POST', '/v1/applications'),
    route('GET', `/v1/applications/${APPLICATION}`),
    route('POST', `/v1/applications/${APPLICATION}/(evidence|approve|refuse|payment)`),
    route('GET', `/v1/applications/${APPLICATION}/evidence/EV-[0-9a-f-]{36}`),
  ],
};

/** Request headers passed on; cookies and anything else the browser sends stay here. */
const FORWARDED_REQUEST = ['authorization', 'content-type', 'accept', 'accept-language', 'x-request-id'];
/** Response headers passed back. */
const FORWARDED_RESPONSE = [
  'content-type',
  'content-disposition',
  'cache-control',
  'retry-after',
  'x-request-id',
];
/** Notes carry up to three photos of 2 MiB each, base64. */
const BODY_LIMIT = 9 * 1024 * 1024;

export function allowedConsoleCall(service: string, method: string, path: string): boolean {
  const routes = consoleRoutes[service as keyof typeof consoleRoutes];
  return routes?.some((r) => r.method === method && r.path.test(path)) ?? false;
}

export async function registerConsoleGateway(server: HttpServer, options: ConsoleGatewayOptions) {
  const upstream = {
    discovery: options.discoveryUrl,
    identity: options.identityUrl,
    scorecard: options.scorecardUrl,
    ...(options.assistanceUrl ? { assistance: options.assistanceUrl } : {}),
  };
  const timeoutMs = options.timeoutMs ?? 15_000;

  await server.register(async (scope) => {
    // Bodies go through as the browser sent them, never parsed here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    const targetOf = (request: FastifyRequest) => {
      const { service } = request.params as { service: string };
      const url = new URL(request.url, 'http://console');
      const path = url.pathname.slice(`/api/${service}`.length);
      const base = (upstream as Record<string, string | undefined>)[service];
      return base && allowedConsoleCall(service, request.method, path)
        ? { service, base, path, search: url.search }
        : undefined;
    };

    // Before the body is read: a call the console never makes costs no buffering at all.
    scope.addHook('onRequest', async (request, reply) => {
      if (!targetOf(request)) return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route' });
    });

    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const target = targetOf(request);
      if (!target) return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route' });
      const { service, base, path } = target;

      const headers = new Headers();
      for (const name of FORWARDED_REQUEST) {
        const value = request.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      // Set, never appended: identity trusts exactly this hop's entry for its per-address limits,
      // so whatever the browser wrote there must not reach it. request.ip is the socket's address,
      // or the client the ingress names when notify runs with TRUSTED_PROXY_HOPS.
      headers.set('x-forwarded-for', request.ip);
      let res: Response;
      try {
        res = await fetch(`${base}${path}${target.search}`, {
          method: request.method,
          headers,
          ...(request.body instanceof Buffer ? { body: request.body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
      } catch (err: unknown) {
        request.log.warn({ err, service }, 'console gateway: upstream unreachable');
        return reply
          .code(502)
          .send({ code: 'UPSTREAM_UNAVAILABLE', message: `${service} cannot be reached now; try again` });
      }
      reply.code(res.status);
      for (const name of FORWARDED_RESPONSE) {
        const value = res.headers.get(name);
        if (value !== null) reply.header(name, value);
      }
      return reply.send(Buffer.from(await res.arrayBuffer()));
    };

    for (const method of ['GET', 'POST', 'PUT'] as const)
      scope.route({ method, url: '/api/:service/*', schema: { hide: true }, handler: forward });
  });
  options.logger.info({ upstream }, 'console gateway to discovery, identity, the scorecard and assistance');
}
