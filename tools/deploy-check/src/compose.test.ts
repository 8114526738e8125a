import { describe, expect, it } from 'vitest';
import { composeSchemaProblems, parseCompose } from './compose-check.ts';
import { configVariables, mustBeSetInContainer } from './config-env.ts';
import { listServices, readRepoFile } from './repo.ts';

const base = parseCompose(readRepoFile('docker-compose.yml'));
const threeBrokers = parseCompose(readRepoFile('docker-compose.kafka-3.yml'));
const services = listServices();

describe('docker-compose files', () => {
  it('follow the Compose Specification schema', () => {
    expect(composeSchemaProblems(base)).toEqual([]);
    expect(composeSchemaProblems(threeBrokers)).toEqual([]);
  });

  it('the schema check catches a malformed file', () => {
    const broken = structuredClone(base) as Record<string, unknown> & { services: Record<string, unknown> };
    broken.services.ingest = { ...(broken.services.ingest as object), ports: 'not-a-list', restart: 7 };
    expect(composeSchemaProblems(broken).length).toBeGreaterThan(0);
  });

  it('run the infrastructure the platform needs', () => {
    for (const name of [
      'kafka',
      'postgres',
      'redis',
      'otel-collector',
      'jaeger',
      'prometheus',
      'grafana',
      'topics',
    ])
      expect(Object.keys(base.services)).toContain(name);
    expect(base.services.kafka?.image).toMatch(/^apache\/kafka:/);
    expect(base.services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(Object.keys(threeBrokers.services)).toEqual(expect.arrayContaining(['kafka-2', 'kafka-3']));
  });

  it.each(services.map((service) => [service.name, service] as const))(
    '%s runs as its own container built from the Dockerfile on its own port',
    (name, service) => {
      const container = base.services[name];
      expect(container, `docker-compose.yml has no service ${name}`).toBeDefined();
      expect(container?.build?.context).toBe('.');
      expect(container?.build?.args?.SERVICE).toBe(name);
      expect(container?.build?.args?.PORT).toBe(String(service.port));
      expect(String(container?.environment?.PORT)).toBe(String(service.port));
      expect(threeBrokers.services[name]?.environment?.KAFKA_BROKERS).toBe(
        'kafka:9092,kafka-2:9092,kafka-3:9092',
      );
    },
  );

  it.each(services.map((service) => [service.name, service] as const))(
    '%s: every variable its config reads is set in compose or safely defaulted',
    async (name, service) => {
      const variables = await configVariables(service);
      // A service still being written may have no config.ts yet; once it has one it is checked.
      if (variables === undefined) return;
      expect(variables.map((variable) => variable.name)).toContain('PORT');
      const environment = base.services[name]?.environment ?? {};
      const missing = variables
        .map((variable) => ({ name: variable.name, why: mustBeSetInContainer(variable) }))
        // `<NAME>_FILE` sets it from a mounted file (kit's loadConfig), as the generated secrets are.
        .filter(
          (entry) =>
            entry.why !== undefined && !(entry.name in environment) && !(`${entry.name}_FILE` in environment),
        )
        .map((entry) => `${entry.name} (${entry.why})`);
      expect(missing).toEqual([]);
    },
  );

  it.each(services.map((service) => [service.name, service] as const))(
    '%s is scraped by Prometheus and has a Grafana dashboard',
    (name, service) => {
      const prometheus = readRepoFile('infra/prometheus/prometheus.yml');
      expect(prometheus).toContain(`"${name}:${service.port}"`);
      const dashboard = JSON.parse(readRepoFile(`infra/grafana/dashboards/${name}.json`)) as { uid: string };
      expect(dashboard.uid).toBe(`huimin-${name}`);
    },
  );

  it('services verify tokens against the issuer identity signs with', () => {
    const issuer = base.services.identity?.environment?.ISSUER;
    expect(issuer).toBeDefined();
    for (const service of services) {
      const environment = base.services[service.name]?.environment ?? {};
      if ('AUTH_ISSUER' in environment) expect(environment.AUTH_ISSUER, service.name).toBe(issuer);
    }
  });

  it('publish Postgres, Redis and Kafka’s plaintext listeners on this host’s loopback only', () => {
    for (const file of [base, threeBrokers])
      for (const [name, service] of Object.entries(file.services))
        if (/^(postgres|redis|kafka(-\d+)?)$/.test(name))
          for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    expect(base.services.postgres?.ports).toEqual(['127.0.0.1:5432:5432']);
  });

  it('write no secret: services, Postgres and Grafana read generated ones from the secrets volume', () => {
    for (const file of [base, threeBrokers])
      for (const [name, service] of Object.entries(file.services))
        for (const [variable, value] of Object.entries(service.environment ?? {})) {
          if (!/SECRET|PASSWORD|TOKEN|(^|_)KEY($|_)|DATABASE_URL/.test(variable)) continue;
          expect(`${name} ${variable}`).toMatch(/_FILE$/);
          expect(String(value), `${name} ${variable}`).toMatch(/^\/run\/huimin-secrets\/[a-z-]+$/);
        }
    expect(base.services.secrets?.command).toEqual([
      'node',
      '/opt/huimin/generate-secrets.ts',
      '/run/huimin-secrets',
    ]);
  });

  it('the variable rule flags container-unsafe defaults and missing required values', () => {
    expect(
      mustBeSetInContainer({ name: 'X_URL', required: true, default: 'http://127.0.0.1:1' }),
    ).toBeDefined();
    expect(mustBeSetInContainer({ name: 'X', required: true })).toBeDefined();
    expect(mustBeSetInContainer({ name: 'X_SECRET', required: true, default: 'dev' })).toBeDefined();
    expect(mustBeSetInContainer({ name: 'X_LIMIT', required: true, default: 5 })).toBeUndefined();
    expect(mustBeSetInContainer({ name: 'X_OPTIONAL', required: false })).toBeUndefined();
  });
});
