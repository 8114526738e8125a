import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type FastifyError, type FastifyInstance, fastify, LogController } from 'fastify';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import { AppError, type ErrorCatalog, kitErrors } from './errors.ts';
import { createReadiness, type ReadinessCheck } from './readiness.ts';

export interface HttpServerOptions {
  name: string;
  logger: Logger;
  registry: Registry;
  /** The service's error codes (from `defineErrors`); the kit's own codes are always included. */
  errors?: ErrorCatalog;
  /** Largest accepted request body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** Title and version of the OpenAPI document at /docs/json; default: the service name. */
  openapi?: { title: string; version: string };
  /** How long each readiness check may take before it counts as failed; default 2 s. */
  readinessTimeoutMs?: number;
  /**
   * Proxies in front of the service whose X-Forwarded-For entries `request.ip` trusts, counted
   * from the socket; default 0, the socket's address.
   */
  trustedProxyHops?: number;
}

export type HttpServer = FastifyInstance & {
  /** /readyz answers 200 only when every check resolves in time. */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
};

const probeRoutes = new Set(['/livez', '/readyz', '/metrics']);
const requestIdShape = /^[\w.:-]{1,128}$/;

/**
 * A fastify instance with the endpoints and behaviour every service shares. Routes the service
 * declares after this call appear in the OpenAPI document, from their JSON/TypeBox schemas.
 * Async because the OpenAPI plugin must be loaded before the first route is declared.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { name, logger, registry, bodyLimit = 1024 * 1024, readinessTimeoutMs = 2000 } = options;
  const catalog = mergeCatalogs(options.errors ?? {});
  const readiness = createReadiness(readinessTimeoutMs);

  const app = fastify({
    loggerInstance: logger,
    bodyLimit,
    // By hop count (fastify fails closed on a bare number): only for a service that nothing but
    // those proxies can reach (the NetworkPolicy), or a direct client could name any address.
    ...(options.trustedProxyHops
      ? { trustProxy: (_address: string, hop: number) => hop < (options.trustedProxyHops ?? 0) }
      : {}),
    // A caller's x-request-id is kept (so one id follows a request across services) when it is
    // a plain token; anything else could forge log content, so a fresh id replaces it.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdShape.test(given) ? given : randomUUID();
    },
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => probeRoutes.has(request.url),
    }),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Every answer is what its content-type says: a browser never guesses another type from the
    // bytes (an uploaded photo whose bytes look like HTML stays a photo).
    reply.header('x-content-type-options', 'nosniff');
  });

  // While the server drains, a finished response closes its keep-alive connection; otherwise the
  // connection lingers idle after close() began and the server never finishes closing.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const duration = httpDuration(registry);
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'alive' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const { ready, failing } = await readiness.run();
    if (ready) return { status: 'ready' };
    for (const { name: check, reason, error } of failing) {
      request.log.warn({ check, reason, err: error }, 'readiness check failed');
    }
    return reply.code(503).send({
      status: 'not ready',
      failing: failing.map(({ name: check, reason }) => ({ name: check, reason })),
    });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  app.setNotFoundHandler(async (_request, reply) => {
    return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route' });
  });

  app.setErrorHandler(async (err: unknown, request, reply) => {
    const { status, body } = toResponse(err, catalog);
    if (status >= 500) {
      // The stack and message stay in the log; the caller gets only the code and the request id.
      request.log.error({ err }, 'request failed');
      return reply.code(status).send({ ...body, requestId: request.id });
    }
    request.log.info({ code: body.code, statusCode: status }, 'request rejected');
    return reply.code(status).send(body);
  });

  // Last, so /docs gets the hooks and handlers above; before any service route, so every route
  // the service declares is seen by the OpenAPI generator.
  await app.register(swagger, {
    openapi: { info: options.openapi ?? { title: name, version: '0.0.0' } },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.decorate('addReadinessCheck', readiness.add);
  return app as unknown as HttpServer;
}

interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

const internal = { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };

function toResponse(err: unknown, catalog: ErrorCatalog): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    const spec = catalog[err.code];
    if (!spec) return internal; // a code nobody declared is a bug in the service, not the caller's fault
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    return { status: spec.status, body };
  }
  const fastifyError = err as Partial<FastifyError> | null;
  if (fastifyError?.validation) {
    const where = fastifyError.validationContext ?? 'request';
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: `${where} is invalid`,
        details: fastifyError.validation.map(({ instancePath, params, message }) => ({
          in: where,
          path: 'missingProperty' in params ? `${instancePath}/${params.missingProperty}` : instancePath,
          message,
        })),
      },
    };
  }
  // Text Postgres cannot store (a NUL character, bytes invalid in UTF-8) reached a query: the
  // request carried it, so it is the caller's to fix, whichever field it came in.
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (sqlState === '22021' || sqlState === '22P05') {
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'the request holds characters that cannot be stored (such as NUL)',
      },
    };
  }
  // fastify's own client errors (bad JSON, body too large, wrong content type) keep their status.
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { code: codeForStatus(status), message: fastifyError?.message ?? 'bad request' } };
  }
  return internal;
}

function codeForStatus(status: number): string {
  const match = Object.entries(kitErrors).find(
    ([code, spec]) => spec.status === status && code !== 'VALIDATION_FAILED',
  );
  return match?.[0] ?? 'BAD_REQUEST';
}

function mergeCatalogs(service: ErrorCatalog): ErrorCatalog {
  for (const [code, spec] of Object.entries(service)) {
    const kit = (kitErrors as ErrorCatalog)[code];
    if (kit && (kit.status !== spec.status || kit.grpc !== spec.grpc)) {
      throw new Error(`error code ${code} is the kit's (${kit.status}/${kit.grpc}); choose another name`);
    }
  }
  return { ...kitErrors, ...service };
}

function httpDuration(registry: Registry): Histogram {
  const name = 'huimin_http_request_duration_seconds';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram;
  return new Histogram({
    name,
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}
