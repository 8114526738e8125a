import { Type } from '@sinclair/typebox';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, defineErrors } from './errors.ts';
import { createHttpServer, type HttpServer } from './http-server.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry } from './metrics.ts';

const errors = defineErrors({
  HOUSEHOLD_NOT_FOUND: { status: 404, grpc: 5 },
  POLICY_NOT_EFFECTIVE: { status: 409, grpc: 9 },
});

let app: HttpServer | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(options: { bodyLimit?: number; readinessTimeoutMs?: number } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ name: 'kit-http-test', destination: { write: (line) => lines.push(line) } });
  const registry = createMetricsRegistry({ service: 'kit-http-test' });
  app = await createHttpServer({
    name: 'kit-http-test',
    logger,
    registry,
    errors,
    openapi: { title: 'Household API', version: '1.2.0' },
    ...options,
  });
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, registry, logs };
}

describe('error mapping', () => {
  it('answers an AppError with its declared status and { code, message, details }', async () => {
    const { app } = await build();
    app.get('/households/:id', async () => {
      throw new AppError('HOUSEHOLD_NOT_FOUND', 'no household hh-9', { householdId: 'hh-9' });
    });
    const res = await app.inject({ method: 'GET', url: '/households/hh-9' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'HOUSEHOLD_NOT_FOUND',
      message: 'no household hh-9',
      details: { householdId: 'hh-9' },
    });
  });

  it('answers a schema violation with 400 VALIDATION_FAILED naming the field', async () => {
    const { app } = await build();
    app.post(
      '/claims',
      {
        schema: {
          body: Type.Object({ householdId: Type.String(), amountFen: Type.Integer({ minimum: 0 }) }),
        },
      },
      async () => ({ ok: true }),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/claims',
      payload: { householdId: 'hh-1', amountFen: -5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'body is invalid',
      details: [{ in: 'body', path: '/amountFen', message: 'must be >= 0' }],
    });

    const missing = await app.inject({ method: 'POST', url: '/claims', payload: { amountFen: 5 } });
    expect(missing.json().details).toEqual([
      { in: 'body', path: '/householdId', message: "must have required property 'householdId'" },
    ]);
  });

  it('answers a thrown Error with 500 and no internals, while the log keeps the stack', async () => {
    const { app, logs } = await build();
    app.get('/boom', async () => {
      throw new Error('relation "risk.window" does not exist');
    });
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-42' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'internal error', requestId: 'req-42' });
    expect(res.body).not.toContain('risk.window');

    const failure = logs().find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ level: 'error', requestId: 'req-42' });
    const err = failure?.err as { message: string; stack: string };
    expect(err.message).toBe('relation "risk.window" does not exist');
    expect(err.stack).toContain('http-server.test.ts');
  });

  it('treats an AppError with an undeclared code as an internal error', async () => {
    const { app } = await build();
    app.get('/typo', async () => {
      throw new AppError('HOUSHOLD_NOT_FOUND', 'typo in the code');
    });
    const res = await app.inject({ method: 'GET', url: '/typo' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
  });

  it('tells browsers never to sniff a type other than the declared one, on answers and errors alike', async () => {
    const { app } = await build();
    app.get('/photo', async (_request, reply) =>
      reply.header('content-type', 'image/png').send(Buffer.from('<html>')),
    );
    for (const url of ['/photo', '/nowhere', '/livez']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'no such route' });
  });

  it('refuses a body over the limit with 413 and malformed JSON with 400', async () => {
    const { app } = await build({ bodyLimit: 64 });
    app.post('/events', async () => ({ ok: true }));
    const big = await app.inject({ method: 'POST', url: '/events', payload: { note: 'x'.repeat(100) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');

    const bad = await app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/json' },
      payload: '{"note":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('BAD_REQUEST');
  });

  it('refuses a service error code that redefines one of the kit', async () => {
    const logger = createLogger({ name: 'x', level: 'silent' });
    const registry = createMetricsRegistry({ service: 'x' });
    const clash = defineErrors({ NOT_FOUND: { status: 410, grpc: 5 } });
    await expect(createHttpServer({ name: 'x', logger, registry, errors: clash })).rejects.toThrow(
      /NOT_FOUND/,
    );
  });
});

describe('request ids', () => {
  it('honours a caller x-request-id, generates one otherwise, and logs it', async () => {
    const { app, logs } = await build();
    app.get('/ping', async () => ({ pong: true }));
    const given = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await app.inject({ method: 'GET', url: '/ping' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await app.inject({
      method: 'GET',
      url: '/ping',
      headers: { 'x-request-id': 'x"}\n{"level":"fatal' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const completed = logs().filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.requestId)).toEqual([
      'abc-123',
      generated.headers['x-request-id'],
      forged.headers['x-request-id'],
    ]);
  });

  it('never logs request bodies', async () => {
    const { app, logs } = await build();
    app.post('/members', async () => ({ ok: true }));
    await app.inject({ method: 'POST', url: '/members', payload: { note: 'body-marker-7f3a' } });
    expect(logs().length).toBeGreaterThan(0);
    expect(JSON.stringify(logs())).not.toContain('body-marker-7f3a');
  });
});

describe('/livez and /readyz', () => {
  it('answers /livez while the process runs', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/livez' });
    expect(res.statusCode).toBe(200);
  });

  it('is ready when every check passes', async () => {
    const { app } = await build();
    app.addReadinessCheck('postgres', async () => {});
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('answers 503 naming the failing check, and a hanging check times out', async () => {
    const { app, logs } = await build({ readinessTimeoutMs: 50 });
    app.addReadinessCheck('postgres', async () => {});
    app.addReadinessCheck('redis', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    app.addReadinessCheck('kafka', () => new Promise(() => {}));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not ready',
      failing: [
        { name: 'redis', reason: 'failed' },
        { name: 'kafka', reason: 'timed out' },
      ],
    });
    const warning = logs().find((line) => line.check === 'redis');
    expect(warning).toMatchObject({
      msg: 'readiness check failed',
      err: { message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    });
  });
});

describe('/metrics', () => {
  it('serves default process metrics and the service’s own metrics in Prometheus text format', async () => {
    const { app, registry } = await build();
    const flagged = new Counter({
      name: 'huimin_risk_households_flagged_total',
      help: 'households flagged',
      registers: [registry],
    });
    flagged.inc(3);
    app.get('/ping', async () => ({ pong: true }));
    await app.inject({ method: 'GET', url: '/ping' });

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('process_cpu_user_seconds_total{service="kit-http-test"}');
    expect(res.body).toContain('huimin_risk_households_flagged_total{service="kit-http-test"} 3');
    const pingCount = res.body
      .split('\n')
      .find(
        (line) =>
          line.startsWith('huimin_http_request_duration_seconds_count') && line.includes('route="/ping"'),
      );
    expect(pingCount).toMatch(/status_code="200".* 1$/);
  });
});

describe('OpenAPI', () => {
  it('documents the service routes from their schemas at /docs/json, and serves Swagger UI at /docs', async () => {
    const { app } = await build();
    app.get(
      '/households/:householdId',
      {
        schema: {
          params: Type.Object({ householdId: Type.String() }),
          response: { 200: Type.Object({ householdId: Type.String(), members: Type.Integer() }) },
        },
      },
      async () => ({ householdId: 'hh-1', members: 3 }),
    );
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toEqual({ title: 'Household API', version: '1.2.0' });
    expect(Object.keys(doc.paths)).toEqual(['/households/{householdId}']);
    expect(doc.paths['/households/{householdId}'].get.parameters[0]).toMatchObject({
      name: 'householdId',
      in: 'path',
    });

    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });
});
