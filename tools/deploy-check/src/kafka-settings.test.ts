// Compose's Kafka is the Kafka `pnpm kafka:apache` and `pnpm test:apache-kafka` run: the same
// pinned version (infra/kafka/pom.xml) and the same broker settings (clusterSettings() of
// libs/testkit/src/apache-kafka.ts, which writes the tested nodes' server.properties). Here compose's
// KAFKA_* variables are rendered the way the apache/kafka image renders them and compared.
import {
  apacheKafkaVersion,
  CLUSTER_ID,
  clusterSettings,
  nodeProperties,
  propertyOfImageVariable,
} from '@huimin/testkit/apache-kafka';
import { describe, expect, it } from 'vitest';
import { type ComposeService, parseCompose } from './compose-check.ts';
import { readRepoFile } from './repo.ts';

const base = parseCompose(readRepoFile('docker-compose.yml'));
const threeBrokers = parseCompose(readRepoFile('docker-compose.kafka-3.yml'));

/** A service's environment once both files are applied (Compose merges `environment` maps). */
function merged(name: string, files: (typeof base)[]): ComposeService {
  const services = files.map((f) => f.services[name]).filter((s): s is ComposeService => s !== undefined);
  return {
    ...Object.assign({}, ...services),
    environment: Object.assign({}, ...services.map((s) => s.environment ?? {})),
  };
}

/** server.properties as the image writes it from the KAFKA_* variables. */
function rendered(service: ComposeService): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [variable, value] of Object.entries(service.environment ?? {})) {
    const key = propertyOfImageVariable(variable);
    if (key) properties[key] = String(value);
  }
  return properties;
}

// What differs per node by nature (addresses, ids, paths); everything else is cluster-wide.
const perNode = Object.keys(
  nodeProperties({ id: 1, port: 1, controllerPort: 2 }, [{ id: 1, port: 1, controllerPort: 2 }], '/d'),
);
const clusterWide = (properties: Record<string, string>) =>
  Object.fromEntries(Object.entries(properties).filter(([key]) => !perNode.includes(key)));

const clusters = [
  { name: 'docker-compose.yml (one broker)', nodes: ['kafka'], files: [base] },
  {
    name: 'with docker-compose.kafka-3.yml (three brokers)',
    nodes: ['kafka', 'kafka-2', 'kafka-3'],
    files: [base, threeBrokers],
  },
];

describe.each(clusters)("compose's Kafka, $name", ({ nodes, files }) => {
  const services = nodes.map((name) => ({ name, service: merged(name, files) }));

  it('runs the Apache Kafka version the tests run', () => {
    for (const { service } of services) expect(service.image).toBe(`apache/kafka:${apacheKafkaVersion()}`);
  });

  it('is formatted with the generated cluster id, a base64url UUID', () => {
    for (const { service } of services) expect(service.environment?.CLUSTER_ID).toBe(CLUSTER_ID);
    expect(Buffer.from(CLUSTER_ID, 'base64url')).toHaveLength(16);
    expect(Buffer.from(CLUSTER_ID, 'base64url').toString('base64url')).toBe(CLUSTER_ID);
  });

  it('has exactly the broker settings kafka:apache runs with', () => {
    for (const { service } of services)
      expect(clusterWide(rendered(service))).toEqual(clusterSettings(nodes.length));
  });

  it('gives each node its own id, the same voters, and its data dir on the volume', () => {
    const properties = services.map(({ service }) => rendered(service));
    expect(new Set(properties.map((p) => p['node.id'])).size).toBe(nodes.length);
    const voters = properties.map((p) => p['controller.quorum.voters']);
    expect(new Set(voters).size).toBe(1);
    expect(voters[0]?.split(',')).toHaveLength(nodes.length);
    for (const [i, p] of properties.entries()) {
      expect(voters[0]).toContain(`${p['node.id']}@${nodes[i]}:9093`);
      expect(p.listeners).toContain('INTERNAL://:9092');
      expect(p.listeners).toContain('CONTROLLER://:9093');
      expect(p['advertised.listeners']).toContain(`INTERNAL://${nodes[i]}:9092`);
      expect(p['log.dirs']).toBe('/var/lib/kafka/data');
    }
  });
});

describe('the check itself', () => {
  it('renders variables as the image does and notices a drifted setting', () => {
    expect(propertyOfImageVariable('KAFKA_MIN_INSYNC_REPLICAS')).toBe('min.insync.replicas');
    expect(propertyOfImageVariable('KAFKA_A__B___C')).toBe('a_b-c');
    expect(propertyOfImageVariable('CLUSTER_ID')).toBeUndefined();
    const drifted = merged('kafka', [base]);
    drifted.environment = { ...drifted.environment, KAFKA_MIN_INSYNC_REPLICAS: 2 };
    expect(clusterWide(rendered(drifted))).not.toEqual(clusterSettings(1));
  });
});
