import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createLogger } from '@huimin/kit';
import { describe, expect, it } from 'vitest';
import { PROTO_ROOT } from './proto-types.ts';
import { callersOf, serveGrpc } from './serve.ts';

const SERVICES_DIR = fileURLToPath(new URL('../../../services/', import.meta.url));

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? protoFiles(join(dir, entry.name))
      : entry.name.endsWith('.proto')
        ? [relative(PROTO_ROOT, join(dir, entry.name))]
        : [],
  );
}

describe('callers.json beside each proto', () => {
  it('names, for every method of every gRPC service, only platform services other than the one serving it', () => {
    const platformServices = readdirSync(SERVICES_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const definition = protoLoader.loadSync(protoFiles(join(PROTO_ROOT, 'huimin')), {
      includeDirs: [PROTO_ROOT],
    });
    const served = Object.entries(definition).filter(([, entry]) => !('format' in entry));
    expect(served.length).toBeGreaterThanOrEqual(3);
    for (const [name, service] of served) {
      const owner = name.split('.')[1];
      const callers = callersOf(name);
      expect(Object.keys(callers).sort(), name).toEqual(
        Object.keys(service as grpc.ServiceDefinition).sort(),
      );
      for (const [method, allowed] of Object.entries(callers)) {
        expect(allowed.length, `${name}/${method}`).toBeGreaterThan(0);
        for (const caller of allowed) {
          expect(platformServices, `${name}/${method}: ${caller}`).toContain(caller);
          expect(caller, `${name}/${method} lets its own service call it`).not.toBe(owner);
        }
      }
    }
  });

  it('keeps a service from starting when a method has no callers, or callers name a method it lacks', async () => {
    const definition = protoLoader.loadSync('huimin/discovery/v1/alert.proto', { includeDirs: [PROTO_ROOT] });
    const service = definition['huimin.discovery.v1.AlertService'] as grpc.ServiceDefinition;
    const serve = (callers: Record<string, string[]>) =>
      serveGrpc({
        definition,
        service,
        serviceName: 'huimin.discovery.v1.AlertService',
        handlers: () => ({}),
        callers,
        verifier: {
          verify: () => Promise.reject(new Error('unused')),
          verifyUser: () => Promise.reject(new Error('unused')),
          verifyService: () => Promise.reject(new Error('unused')),
        },
        logger: createLogger({ name: 'grpc-test', level: 'silent' }),
        address: '127.0.0.1:0',
      });
    await expect(serve({ GetAlert: ['charity'] })).rejects.toThrow(
      /ListOpenAlertsForHousehold: no calling services are declared/,
    );
    await expect(
      serve({ GetAlert: ['charity'], ListOpenAlertsForHousehold: ['charity'], GetAlerts: ['charity'] }),
    ).rejects.toThrow(/unknown method GetAlerts/);
    await expect(serve({ GetAlert: ['charity'], ListOpenAlertsForHousehold: [] })).rejects.toThrow(
      /no calling services/,
    );
  });

  it('says which file is missing when a service declares no callers', () => {
    expect(() => callersOf('huimin.nowhere.v1.NoService')).toThrow(/huimin\/nowhere\/v1\/callers\.json/);
  });
});
