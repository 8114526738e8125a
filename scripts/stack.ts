// What the dev-stack scripts share: where things are and which services exist.
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
  /** Settings the dev stack gives the service (the `huimin.env` field of its package.json). */
  env: Record<string, string>;
  hasMigrations: boolean;
}

// A service joins the stack by having services/<name>/src/main.ts; its HTTP port comes from
// the `huimin.port` field of its package.json (the defaults in docs/architecture.md), settings it
// needs in the stack from `huimin.env` (identity trusts notify's gateway as its one proxy hop).
export function discoverServices(): ServiceManifest[] {
  const servicesDir = join(root, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir)
    .filter((name) => existsSync(join(servicesDir, name, 'src', 'main.ts')))
    .sort()
    .map((name) => {
      const dir = join(servicesDir, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        huimin?: { port?: number; env?: Record<string, string> };
      };
      return {
        name,
        dir,
        schema: name.replaceAll('-', '_'),
        port: manifest.huimin?.port,
        env: manifest.huimin?.env ?? {},
        hasMigrations: existsSync(join(dir, 'migrations')),
      };
    });
}
