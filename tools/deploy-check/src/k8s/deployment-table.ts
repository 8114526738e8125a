/** How one service is deployed: the facts the Kubernetes manifests are rendered from. */
export interface DeployedService {
  name: string;
  port: number;
  grpcPort?: number;
  /** `cpu`: an HPA on CPU. `lag`: a KEDA ScaledObject on consumer-group lag (plus CPU). */
  scaling: 'cpu' | 'lag';
  minReplicas: number;
  maxReplicas: number;
  /** Consumer groups and the topics whose lag scales the service (KEDA). */
  lag?: { group: string; topic: string; lagThreshold: number }[];
  /** Path prefixes reachable from outside the cluster, through the ingress controller. */
  publicPaths?: string[];
  /** Other Huimin services that call it (HTTP or gRPC). Identity is called by every service. */
  calledBy: string[] | 'all';
  resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  /** Secrets the service reads, by reference: env name → [Secret name, key]. */
  secrets?: Record<string, [string, string]>;
}

const small = { cpu: '100m', memory: '192Mi', cpuLimit: '1', memoryLimit: '384Mi' };
const medium = { cpu: '250m', memory: '256Mi', cpuLimit: '2', memoryLimit: '512Mi' };

/**
 * The platform's services as deployed. Consumers' maxima never exceed the partition count of the
 * topics they scale on (a consumer group cannot use more members than partitions); the check in
 * k8s.test.ts reads the counts from libs/contracts.
 */
export const deployedServices: DeployedService[] = [
  {
    name: 'ingest',
    port: 8080,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 10,
    publicPaths: ['/v1/events'],
    calledBy: [],
    resources: medium,
    secrets: { INGEST_SECRETS_KEY: ['ingest-secrets', 'INGEST_SECRETS_KEY'] },
  },
  {
    name: 'eligibility',
    port: 8081,
    grpcPort: 50051,
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 12,
    lag: [{ group: 'eligibility', topic: 'huimin.feed.household', lagThreshold: 500 }],
    calledBy: ['eldercare', 'discovery', 'notify'],
    resources: medium,
  },
  {
    name: 'risk',
    port: 8082,
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 12,
    lag: [
      { group: 'risk.router', topic: 'huimin.feed.medical-expense', lagThreshold: 1000 },
      { group: 'risk', topic: 'huimin.feed.household', lagThreshold: 1000 },
    ],
    calledBy: ['discovery', 'notify'],
    resources: medium,
  },
  {
    name: 'discovery',
    port: 8083,
    grpcPort: 50053,
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 12,
    lag: [{ group: 'discovery', topic: 'huimin.risk.household', lagThreshold: 200 }],
    calledBy: ['notify', 'charity', 'eldercare'],
    resources: small,
    secrets: { SERVICE_CLIENT_SECRET: ['discovery-secrets', 'SERVICE_CLIENT_SECRET'] },
  },
  {
    name: 'notify',
    port: 8084,
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 6,
    lag: [{ group: 'notify', topic: 'huimin.discovery.alert', lagThreshold: 100 }],
    publicPaths: ['/'],
    calledBy: [],
    resources: small,
  },
  {
    name: 'eldercare',
    port: 8085,
    grpcPort: 50055,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 8,
    publicPaths: ['/v1/orders', '/v1/providers', '/v1/elders'],
    calledBy: ['notify', 'discovery'],
    resources: small,
  },
  {
    name: 'charity',
    port: 8086,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 6,
    publicPaths: ['/public'],
    calledBy: ['notify'],
    resources: small,
    secrets: {
      RECEIPT_LINK_SECRET: ['charity-secrets', 'RECEIPT_LINK_SECRET'],
      SERVICE_CLIENT_SECRET: ['charity-secrets', 'SERVICE_CLIENT_SECRET'],
    },
  },
  {
    name: 'scorecard',
    port: 8088,
    // Reads many streams; scaled on the two busiest, so at most the order stream's 6 partitions.
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 6,
    lag: [
      { group: 'scorecard', topic: 'huimin.feed.household', lagThreshold: 1000 },
      { group: 'scorecard', topic: 'huimin.eldercare.order', lagThreshold: 1000 },
    ],
    calledBy: ['notify'],
    resources: small,
  },
  {
    name: 'identity',
    port: 8087,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 6,
    calledBy: 'all',
    // scrypt at log2 N = 15 costs 32 MiB per hash in flight.
    resources: { cpu: '250m', memory: '384Mi', cpuLimit: '2', memoryLimit: '768Mi' },
  },
];
