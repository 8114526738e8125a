import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer, createLogger, createMetricsRegistry, type HttpServer } from '@huimin/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleGateway } from './console-gateway.ts';

// The gateway refuses a call the console never makes before reading its body: a client cannot
// make notify hold megabytes for a route that would answer 404 anyway.

let gateway: HttpServer;
let port: number;

beforeAll(async () => {
  const logger = createLogger({ name: 'notify-gateway-test', level: 'silent' });
  gateway = await createHttpServer({
    name: 'notify',
    logger,
    registry: createMetricsRegistry({ service: 'notify' }),
  });
  await registerConsoleGateway(gateway, {
    discoveryUrl: 'http://127.0.0.1:9',
    scorecardUrl: 'http://127.0.0.1:9',
    identityUrl: 'http://127.0.0.1:9',
    logger,
  });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  port = (gateway.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await gateway?.close();
});

/** Announces an 8 MiB body, sends 1 KiB of it, and waits for an answer without sending the rest. */
function announceLargeBody(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { 'content-type': 'application/json', 'content-length': String(8 * 1024 * 1024) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.write(Buffer.alloc(1024, 0x20));
  });
}

describe('the console gateway', () => {
  it('answers 404 to a call outside its allow-list before the body arrives', async () => {
    for (const [method, path] of [
      ['POST', '/api/identity/v1/oauth/token'],
      ['PUT', '/api/discovery/v1/policies/rules'],
      ['POST', '/api/eligibility/v1/anything'],
    ] as const) {
      const res = await announceLargeBody(method, path);
      expect([method, path, res.status, JSON.parse(res.body).code]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
  });
});
