import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topics } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CLAIMS_BY_HOUSEHOLD } from '../../../../services/risk/src/handlers/topics.ts';
import { configVariables, mustBeSetInContainer } from '../config-env.ts';
import { renderedFiles } from '../rendered-files.ts';
import { listServices, repoRoot } from '../repo.ts';
import { deployedServices } from './deployment-table.ts';
import { type Resource, renderKustomization } from './kustomize-lite.ts';
import { manifestProblems } from './validate-manifest.ts';

const k8s = join(repoRoot, 'infra', 'k8s');
const rendered = {
  base: renderKustomization(join(k8s, 'base')),
  dev: renderKustomization(join(k8s, 'overlays', 'dev')),
  prod: renderKustomization(join(k8s, 'overlays', 'prod')),
};
const CONSUMERS = ['risk', 'discovery', 'notify', 'eligibility', 'scorecard'];
const PUBLIC = ['charity', 'eldercare', 'ingest', 'notify'];

const ofKind = (resources: Resource[], kind: string) =>
  resources.filter((resource) => resource.kind === kind);
const named = (resources: Resource[], kind: string, name: string) =>
  resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
// biome-ignore lint/suspicious/noExplicitAny: manifests are plain JSON walked by path in assertions
type Json = any;

describe('Kubernetes manifests', () => {
  it('the committed base and dashboards are what the deployment table renders', () => {
    // Compared as data: Biome formats the committed files its own way.
    const read = (path: string, text: string) =>
      path.endsWith('.json') ? JSON.parse(text) : parseAllDocuments(text).map((document) => document.toJS());
    for (const [path, text] of renderedFiles())
      expect(read(path, readFileSync(join(repoRoot, path), 'utf8')), path).toEqual(read(path, text));
  });

  it('deploy every service the repository has, on its own port', () => {
    for (const service of listServices()) {
      const deployed = deployedServices.find((candidate) => candidate.name === service.name);
      expect(deployed, `${service.name} missing from the deployment table`).toBeDefined();
      expect(deployed?.port).toBe(service.port);
    }
  });

  it.each(Object.entries(rendered))('%s: every manifest passes its schema', (_name, resources) => {
    expect(resources.length).toBeGreaterThan(30);
    expect(resources.flatMap((resource) => manifestProblems(resource))).toEqual([]);
  });

  it.each(Object.entries(rendered))(
    '%s: no Deployment sets replicas; its ScaledObject or HPA owns the count',
    (_name, resources) => {
      const deployments = ofKind(resources, 'Deployment') as Json[];
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) {
        expect(deployment.spec.replicas, deployment.metadata.name).toBeUndefined();
        const owners = [
          ...ofKind(resources, 'ScaledObject'),
          ...ofKind(resources, 'HorizontalPodAutoscaler'),
        ].filter((scaler) => (scaler as Json).spec.scaleTargetRef.name === deployment.metadata.name);
        expect(owners.length, deployment.metadata.name).toBe(1);
      }
    },
  );

  it('the schema checks refuse broken manifests', () => {
    const deployment = structuredClone(named(rendered.base, 'Deployment', 'risk')) as Json;
    deployment.spec.replicas = 'two';
    expect(manifestProblems(deployment)).not.toEqual([]);
    const scaled = structuredClone(named(rendered.base, 'ScaledObject', 'risk')) as Json;
    delete scaled.spec.triggers[0].metadata.lagThreshold;
    expect(manifestProblems(scaled)).not.toEqual([]);
    expect(manifestProblems({ apiVersion: 'example.com/v1', kind: 'Unknown' })).not.toEqual([]);
  });

  it.each(deployedServices.map((service) => [service.name] as const))(
    '%s: probes, resources, a disruption budget and an autoscaler',
    (name) => {
      const deployment = named(rendered.base, 'Deployment', name) as Json;
      const container = deployment.spec.template.spec.containers[0];
      expect(container.livenessProbe.httpGet.path).toBe('/livez');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect((named(rendered.base, 'PodDisruptionBudget', name) as Json).spec.selector.matchLabels).toEqual(
        deployment.spec.selector.matchLabels,
      );
      expect(named(rendered.base, 'Service', name)).toBeDefined();
      const hpa = named(rendered.base, 'HorizontalPodAutoscaler', name) as Json;
      const scaled = named(rendered.base, 'ScaledObject', name) as Json;
      if (CONSUMERS.includes(name)) {
        expect(hpa).toBeUndefined();
        expect(
          scaled.spec.triggers.filter((trigger: Json) => trigger.type === 'kafka').length,
        ).toBeGreaterThan(0);
      } else {
        expect(scaled).toBeUndefined();
        expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      }
    },
  );

  it.each(listServices().map((service) => [service.name, service] as const))(
    '%s: every variable its config needs in a container is set by its Deployment or the shared ConfigMap',
    async (name, service) => {
      const variables = await configVariables(service);
      if (variables === undefined) return;
      const shared = (named(rendered.prod, 'ConfigMap', 'huimin-common') as Json).data as Record<
        string,
        string
      >;
      const own = (named(rendered.prod, 'Deployment', name) as Json).spec.template.spec.containers[0].env.map(
        (variable: Json) => variable.name,
      );
      const missing = variables
        .filter((variable) => mustBeSetInContainer(variable) !== undefined)
        .map((variable) => variable.name)
        .filter((variable) => !(variable in shared) && !own.includes(variable));
      expect(missing).toEqual([]);
    },
  );

  it('services verify tokens against the issuer identity signs with', () => {
    const shared = (named(rendered.prod, 'ConfigMap', 'huimin-common') as Json).data;
    expect(shared.AUTH_ISSUER).toBe(shared.ISSUER);
    expect(shared.AUTH_JWKS_URL).toBe(`${shared.ISSUER}/.well-known/jwks.json`);
  });

  it('consumers never scale past the partitions of the topics they scale on; risk reaches 12', () => {
    const partitions = new Map(
      [...Object.values(topics), CLAIMS_BY_HOUSEHOLD].map((topic) => [topic.name, topic.partitions]),
    );
    for (const scaled of ofKind(rendered.prod, 'ScaledObject') as Json[]) {
      const counts = scaled.spec.triggers
        .filter((t: Json) => t.type === 'kafka')
        .map((trigger: Json) => {
          const count = partitions.get(trigger.metadata.topic);
          expect(count, `${trigger.metadata.topic} is not a declared topic`).toBeDefined();
          return count ?? 0;
        });
      expect(scaled.spec.maxReplicaCount, scaled.metadata.name).toBeLessThanOrEqual(Math.max(...counts));
    }
    expect((named(rendered.prod, 'ScaledObject', 'risk') as Json).spec.maxReplicaCount).toBe(12);
  });

  it('only ingest, notify, eldercare and charity can be reached from outside', () => {
    expect((named(rendered.base, 'NetworkPolicy', 'default-deny-ingress') as Json).spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const reachable = (ofKind(rendered.prod, 'NetworkPolicy') as Json[])
      .filter((policy) =>
        (policy.spec.ingress ?? []).some((rule: Json) =>
          (rule.from ?? []).some(
            (peer: Json) =>
              peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx',
          ),
        ),
      )
      .map((policy) => policy.metadata.name)
      .sort();
    expect(reachable).toEqual(PUBLIC);
    const backends = (named(rendered.prod, 'Ingress', 'huimin-public') as Json).spec.rules[0].http.paths.map(
      (path: Json) => path.backend.service.name,
    );
    expect([...new Set(backends)].sort()).toEqual(PUBLIC);
    expect(
      (named(rendered.prod, 'Ingress', 'huimin-public') as Json).spec.rules[0].http.paths.find(
        (path: Json) => path.backend.service.name === 'charity',
      ).path,
    ).toBe('/public');
  });

  it('identity trusts exactly one proxy hop (notify’s gateway), notify and charity one (the ingress), for the client address of their limits', () => {
    for (const resources of Object.values(rendered))
      for (const name of ['identity', 'notify', 'charity']) {
        const container = (named(resources, 'Deployment', name) as Json).spec.template.spec.containers[0];
        expect(container.env, name).toContainEqual({ name: 'TRUSTED_PROXY_HOPS', value: '1' });
      }
  });

  it('the public ingress routes the console, its gateway and the departments’ paths, never /metrics, /readyz or /docs', () => {
    const paths = (named(rendered.prod, 'Ingress', 'huimin-public') as Json).spec.rules[0].http
      .paths as Json[];
    // Kubernetes' rules: Exact is that path alone; Prefix matches whole path segments.
    const routed = (url: string): string | undefined => {
      const exact = paths.find((p) => p.pathType === 'Exact' && p.path === url);
      if (exact) return exact.backend.service.name;
      const prefixes = paths
        .filter((p) => p.pathType === 'Prefix')
        .filter((p) => p.path === '/' || url === p.path || url.startsWith(`${p.path.replace(/\/$/, '')}/`))
        .sort((a, b) => b.path.length - a.path.length);
      return prefixes[0]?.backend.service.name;
    };
    for (const internal of [
      '/metrics',
      '/readyz',
      '/livez',
      '/docs',
      '/docs/json',
      '/docs/static/index.html',
    ])
      expect([internal, routed(internal)]).toEqual([internal, undefined]);
    expect(
      Object.fromEntries(
        [
          '/',
          '/assets/index-3f2a.js',
          '/api/discovery/v1/alerts',
          '/api/identity/v1/auth/login',
          '/v1/stream',
          '/v1/ws',
          '/alerts/ALR-2026-000001',
          '/v1/events/huimin.feed.medical-expense.recorded.v1',
          '/v1/receipts/R-1',
          '/v1/orders/EO-1/check-in',
          '/public/disclosure',
        ].map((url) => [url, routed(url)]),
      ),
    ).toEqual({
      '/': 'notify',
      '/assets/index-3f2a.js': 'notify',
      '/api/discovery/v1/alerts': 'notify',
      '/api/identity/v1/auth/login': 'notify',
      '/v1/stream': 'notify',
      '/v1/ws': 'notify',
      '/alerts/ALR-2026-000001': 'notify',
      '/v1/events/huimin.feed.medical-expense.recorded.v1': 'ingest',
      '/v1/receipts/R-1': 'ingest',
      '/v1/orders/EO-1/check-in': 'eldercare',
      '/public/disclosure': 'charity',
    });
    expect(paths.every((p) => p.path !== '/' || p.pathType === 'Exact')).toBe(true);
  });

  it('secrets are referenced, never written into the manifests', () => {
    for (const resources of Object.values(rendered)) {
      expect(ofKind(resources, 'Secret')).toEqual([]);
      for (const deployment of ofKind(resources, 'Deployment') as Json[])
        for (const variable of deployment.spec.template.spec.containers[0].env)
          if (/SECRET|PASSWORD|_KEY$|DATABASE_URL|REDIS_URL/.test(variable.name))
            expect(
              variable.valueFrom?.secretKeyRef,
              `${deployment.metadata.name} ${variable.name}`,
            ).toBeDefined();
    }
  });

  it('prod: pinned images, Kafka over TLS with SASL, KEDA authenticated', () => {
    for (const deployment of ofKind(rendered.prod, 'Deployment') as Json[]) {
      const container = deployment.spec.template.spec.containers[0];
      expect(container.image).toBe(`registry.example.gov.cn/huimin/${deployment.metadata.name}:1.0.0`);
      const env = Object.fromEntries(container.env.map((v: Json) => [v.name, v.value ?? v.valueFrom]));
      expect(env.KAFKA_SSL).toBe('true');
      expect(env.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
      expect(env.KAFKA_SASL_PASSWORD.secretKeyRef.name).toBe('huimin-kafka');
      expect(deployment.metadata.namespace).toBe('huimin');
    }
    for (const scaled of ofKind(rendered.prod, 'ScaledObject') as Json[])
      for (const trigger of scaled.spec.triggers.filter((t: Json) => t.type === 'kafka'))
        expect(trigger.authenticationRef, scaled.metadata.name).toEqual({ name: 'huimin-kafka' });
  });

  it.each(['dev', 'prod'] as const)(
    '%s: the topics Job is named after its release, so a new release applies a new Job',
    (overlay) => {
      const jobs = ofKind(rendered[overlay], 'Job') as Json[];
      expect(jobs).toHaveLength(1);
      const job = jobs[0];
      const tag = String(job.spec.template.spec.containers[0].image).split(':').at(-1);
      expect(job.metadata.name).toBe(`huimin-topics-${tag}`);
      expect(job.spec.template.spec.containers[0].command).toEqual([
        'node',
        'src/cli/create-topics.ts',
        '--mode',
        'prod',
      ]);
    },
  );

  it('dev: autoscaling from one replica', () => {
    for (const scaled of ofKind(rendered.dev, 'ScaledObject') as Json[])
      expect(scaled.spec.minReplicaCount).toBe(1);
    for (const hpa of ofKind(rendered.dev, 'HorizontalPodAutoscaler') as Json[])
      expect(hpa.spec.minReplicas).toBe(1);
    expect((named(rendered.dev, 'Deployment', 'risk') as Json).spec.template.spec.containers[0].image).toBe(
      'huimin/risk:dev',
    );
  });
});
