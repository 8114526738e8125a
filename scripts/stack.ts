// What the dev-stack scripts share: where things are, which services exist and on which ports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const stackEnv = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/huimin',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaPort: Number(process.env.KAFKA_PORT ?? 9092),
};

export interface ServiceManifest {
  name: string;
  dir: string;
  /** Postgres schema: the service name with dashes as underscores. */
  schema: string;
  port: number | undefined;
  grpcPort: number | undefined;
  /** Settings the dev stack gives the service (the `huimin.env` field of its package.json). */
  env: Record<string, string>;
  hasMigrations: boolean;
}

/** The variable that moves a service's port in the dev stack: INGEST_PORT, DISCOVERY_GRPC_PORT… */
export function portVariable(service: string, kind: 'http' | 'grpc' = 'http'): string {
  const base = service.toUpperCase().replaceAll('-', '_');
  return kind === 'http' ? `${base}_PORT` : `${base}_GRPC_PORT`;
}

function portFrom(
  env: NodeJS.ProcessEnv,
  variable: string,
  fallback: number | undefined,
): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${variable} must be a port number (1–65535), got "${raw}"`);
  return port;
}

// A service joins the stack by having services/<name>/src/main.ts; its ports come from the
// `huimin.port` / `huimin.grpcPort` fields of its package.json (the defaults in
// docs/architecture.md), each movable by <NAME>_PORT / <NAME>_GRPC_PORT in the environment;
// settings it needs in the stack come from `huimin.env` (identity trusts notify's gateway as its
// one proxy hop).
export function discoverServices(env: NodeJS.ProcessEnv = process.env): ServiceManifest[] {
  const servicesDir = join(root, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir)
    .filter((name) => existsSync(join(servicesDir, name, 'src', 'main.ts')))
    .sort()
    .map((name) => {
      const dir = join(servicesDir, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        huimin?: { port?: number; grpcPort?: number; env?: Record<string, string> };
      };
      return {
        name,
        dir,
        schema: name.replaceAll('-', '_'),
        port: portFrom(env, portVariable(name), manifest.huimin?.port),
        grpcPort: portFrom(env, portVariable(name, 'grpc'), manifest.huimin?.grpcPort),
        env: manifest.huimin?.env ?? {},
        hasMigrations: existsSync(join(dir, 'migrations')),
      };
    });
}

/**
 * Where the services find each other in this stack: the variables each service's config reads
 * for another's address, pointed at the ports this stack uses (the services' own defaults are the
 * standard ports, so a moved port must be passed on).
 */
export function serviceAddresses(services: ServiceManifest[]): Record<string, string> {
  const http = (name: string) => {
    const port = services.find((s) => s.name === name)?.port;
    return port ? `http://127.0.0.1:${port}` : undefined;
  };
  const identity = http('identity');
  const discoveryGrpc = services.find((s) => s.name === 'discovery')?.grpcPort;
  const eligibilityGrpc = services.find((s) => s.name === 'eligibility')?.grpcPort;
  const addresses: Record<string, string | undefined> = {
    ISSUER: identity,
    AUTH_ISSUER: identity,
    AUTH_JWKS_URL: identity && `${identity}/.well-known/jwks.json`,
    IDENTITY_URL: identity,
    DISCOVERY_URL: http('discovery'),
    CONSOLE_URL: http('notify'),
    ELIGIBILITY_URL: http('eligibility'),
    RISK_URL: http('risk'),
    ELDERCARE_URL: http('eldercare'),
    CHARITY_URL: http('charity'),
    DISCOVERY_GRPC_ADDRESS: discoveryGrpc ? `127.0.0.1:${discoveryGrpc}` : undefined,
    ELIGIBILITY_GRPC_ADDRESS: eligibilityGrpc ? `127.0.0.1:${eligibilityGrpc}` : undefined,
    ASSISTANCE_URL: http('assistance'),
  };
  return Object.fromEntries(
    Object.entries(addresses).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
