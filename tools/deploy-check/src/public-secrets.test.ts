import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSecrets } from '../../../infra/compose/generate-secrets.ts';
// The kit's own loadConfig and the services' own config schemas: the guard production runs.
import { devServiceCredentials } from '../../../libs/auth/src/service-token-client.ts';
import { ConfigError, loadConfig } from '../../../libs/kit/src/config.ts';
import { secretStrengthOf } from '../../../libs/kit/src/secrets.ts';
import { DEMO_PASSWORD } from '../../../services/identity/src/cli/demo-users.ts';
import { devCredentials } from '../../../services/ingest/src/dev-credentials.ts';
import { parseCompose } from './compose-check.ts';
import { listServices, repoRoot } from './repo.ts';

// Every secret-like value this repository publishes — compose files, Kubernetes manifests, READMEs
// and docs, and the code that seeds the dev stack — must be refused by every service's production
// guard, for every secret it reads: a value anyone can read is no secret, whichever variable it
// lands in.

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|PRIVATE|CREDENTIAL|(^|_)KEY($|_)/i;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path, keep) : keep(entry.name) ? [path] : [];
  });
}

/** Secret-like values in a text: assignments to secret-named variables, defaults, known formats. */
function valuesIn(text: string, markdown: boolean): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\$\{[A-Z0-9_]+:-([^}]+)\}/g)) found.push(m[1] ?? '');
  for (const m of text.matchAll(/\b([A-Z][A-Z0-9_]*)\s*[:=]\s*["']?([^\s"'`,)]+)/g))
    if (SECRET_NAME.test(m[1] ?? '')) found.push(m[2] ?? '');
  for (const m of text.matchAll(/\bhm[ks]_[A-Za-z0-9_]{16,}/g)) found.push(m[0]);
  // 64 hex digits where a key or secret is spoken of (a hash or a signature shown is neither).
  for (const line of text.split('\n'))
    if (/key|secret|密钥/i.test(line)) for (const m of line.matchAll(/\b[0-9a-f]{64}\b/g)) found.push(m[0]);
  for (const m of text.matchAll(/\bdev-[a-z-]+-secret\b/g)) found.push(m[0]);
  for (const m of text.matchAll(/postgres(?:ql)?:\/\/[^:\s/]+:([^@\s]+)@/g)) found.push(m[1] ?? '');
  if (markdown)
    for (const line of text.split('\n'))
      if (/secret|password|密码|\bkey\b/i.test(line))
        for (const m of line.matchAll(/`([^`\s<>$/]{8,})`/g)) found.push(m[1] ?? '');
  return found;
}

interface Published {
  value: string;
  where: string;
}

function collect(): Published[] {
  const published: Published[] = [];
  const add = (value: string, where: string) => {
    const v = value.trim();
    // Variable references, flags, paths, JSON examples and names of things are not values.
    if (v.length < 6 || /^[$<{-]|^\/|^[A-Z0-9_]+$|^(true|false|optional)$|["…]/.test(v)) return;
    published.push({ value: v, where });
  };
  const scan = (path: string, markdown: boolean) => {
    for (const value of valuesIn(readFileSync(path, 'utf8'), markdown)) add(value, relative(repoRoot, path));
  };
  for (const file of readdirSync(repoRoot).filter((f) => /^docker-compose.*\.ya?ml$/.test(f)))
    scan(join(repoRoot, file), false);
  for (const file of filesUnder(join(repoRoot, 'infra', 'k8s'), (n) => /\.ya?ml$/.test(n))) scan(file, false);
  const docs = [
    ...filesUnder(repoRoot, (n) => n === 'README.md'),
    ...filesUnder(join(repoRoot, 'docs'), (n) => n.endsWith('.md')),
  ];
  for (const file of docs) scan(file, true);
  const seeds = [
    ...filesUnder(join(repoRoot, 'services'), (n) => n === 'seed-dev.ts' || n === 'demo-users.ts'),
    join(repoRoot, 'services', 'ingest', 'src', 'dev-credentials.ts'),
    // The dev defaults of each service's secrets.
    ...listServices().map((service) => join(service.dir, 'src', 'config.ts')),
    join(repoRoot, 'scripts', 'dev.ts'),
  ];
  for (const file of seeds) scan(file, false);
  // What the seed code computes rather than writes out.
  for (const c of devCredentials) {
    add(c.apiKey, 'services/ingest/src/dev-credentials.ts');
    add(c.signingSecret, 'services/ingest/src/dev-credentials.ts');
  }
  for (const service of listServices())
    add(devServiceCredentials(service.name).clientSecret, 'libs/auth devServiceCredentials');
  add(DEMO_PASSWORD, 'services/identity/src/cli/demo-users.ts');
  // Defaults the compose file published before it generated its secrets: still readable in history.
  for (const old of [
    '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    'compose-dev-only-receipt-link-secret',
    'huimin-dev-only',
  ])
    add(old, 'docker-compose.yml (history)');
  return published;
}

interface TObject {
  type?: unknown;
  properties: Record<string, unknown>;
}

interface Guarded {
  service: string;
  schema: TObject;
  secrets: string[];
}

async function guardedConfigs(): Promise<Guarded[]> {
  const guarded: Guarded[] = [];
  for (const service of listServices()) {
    const file = join(service.dir, 'src', 'config.ts');
    if (!existsSync(file)) continue;
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const exported of Object.values(module)) {
      const schema = exported as TObject;
      if (schema?.type !== 'object' || typeof schema.properties !== 'object') continue;
      const secrets = Object.entries(schema.properties)
        .filter(([, property]) => secretStrengthOf(property) !== undefined)
        .map(([name]) => name);
      if (secrets.length > 0) guarded.push({ service: service.name, schema, secrets });
    }
  }
  return guarded;
}

/** A strong value for each of the schema's secrets, as an operator would generate it. */
function strongSecrets(schema: TObject, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      secretStrengthOf(schema.properties[name])?.kind === 'hex32'
        ? randomBytes(32).toString('hex')
        : randomBytes(32).toString('base64url'),
    ]),
  );
}

function problemsOf(schema: TObject, env: Record<string, string>): string[] {
  try {
    loadConfig(schema as Parameters<typeof loadConfig>[0], env);
    return [];
  } catch (err: unknown) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

describe('published secret-like values', () => {
  const published = collect();

  it('are found in compose, the Kubernetes manifests, the READMEs and the seed code', () => {
    const values = new Set(published.map((p) => p.value));
    for (const expected of [
      '6465762d6f6e6c792d6b65792d2d6e6f742d666f722d70726f64756374696f6e', // ingest's dev key
      'dev-only-receipt-link-secret-not-for-production', // charity's dev secret
      'dev-discovery-secret',
      'dev-charity-secret',
      'dev-assistance-secret',
      'huimin-demo-2026',
      ...devCredentials.flatMap((c) => [c.apiKey, c.signingSecret]),
    ])
      expect(values, expected).toContain(expected);
    // The README's signed-request example is one of the seeded signing secrets.
    expect(published.some((p) => p.where.endsWith('README.md') && p.value.startsWith('hms_'))).toBe(true);
  });

  it('are each refused by every service’s production guard, for every secret the service reads', async () => {
    const guarded = await guardedConfigs();
    expect(new Set(guarded.map((g) => g.service))).toEqual(
      new Set(['assistance', 'charity', 'discovery', 'identity', 'ingest']),
    );
    const accepted: string[] = [];
    for (const { service, schema, secrets } of guarded) {
      const strong = strongSecrets(schema, secrets);
      // The guard itself lets generated secrets through (so a refusal below is the value's doing).
      expect(
        problemsOf(schema, { NODE_ENV: 'production', ...strong }).filter((p) =>
          secrets.some((s) => p.startsWith(`${s}:`)),
        ),
        service,
      ).toEqual([]);
      for (const secret of secrets)
        for (const { value, where } of published) {
          const problems = problemsOf(schema, { NODE_ENV: 'production', ...strong, [secret]: value });
          if (!problems.some((p) => p.startsWith(`${secret}:`)))
            accepted.push(`${service} ${secret} accepted ${value} (published in ${where})`);
          expect(problems.join('\n')).not.toContain(value);
        }
    }
    expect(accepted).toEqual([]);
  });

  it('include none of the secrets compose generates: each is strong enough for the guard', async () => {
    const dir = join(repoRoot, '.data', `compose-secrets-${process.pid}`);
    const { rmSync } = await import('node:fs');
    try {
      expect(generateSecrets(dir, { chown: false }).length).toBeGreaterThan(5);
      expect(generateSecrets(dir, { chown: false })).toEqual([]);
      const guarded = await guardedConfigs();
      const compose = parseCompose(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'));
      for (const { service, schema, secrets } of guarded)
        for (const secret of secrets) {
          const path = compose.services[service]?.environment?.[`${secret}_FILE`];
          const file =
            typeof path === 'string' ? /^\/run\/huimin-secrets\/([a-z-]+)$/.exec(path)?.[1] : undefined;
          expect(file, `compose gives ${service} no ${secret}_FILE in the secrets volume`).toBeDefined();
          const problems = problemsOf(schema, {
            NODE_ENV: 'production',
            ...strongSecrets(schema, secrets),
            [`${secret}_FILE`]: join(dir, file ?? ''),
            [secret]: '',
          });
          expect(
            problems.filter((p) => p.startsWith(secret)),
            `${service} ${secret}`,
          ).toEqual([]);
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
