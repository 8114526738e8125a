/**
 * A path reachable from outside through the ingress: a prefix (`/v1/orders` and `/v1/orders/…`,
 * whole path segments) or, with `exact`, that path alone.
 */
export interface PublicPath {
  path: string;
  exact?: boolean;
}

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
  /**
   * Paths reachable from outside the cluster, through the ingress controller: what people and
   * departments use, never a service's /metrics, /livez, /readyz or /docs.
   */
  publicPaths?: PublicPath[];
  /** Other Huimin services that call it (HTTP or gRPC). Identity is called by every service. */
  calledBy: string[] | 'all';
  resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  /** Plain settings of the service (not secrets), env name → value. */
  env?: Record<string, string>;
  /**
   * Secrets the service reads, by reference: env name → [Secret name, key], or [Secret name, key,
   * 'optional'] for a key the Secret holds only at times (the previous key during a rotation).
   */
  secrets?: Record<string, [string, string] | [string, string, 'optional']>;
}

const small = { cpu: '100m', memory: '192Mi', cpuLimit: '1', memoryLimit: '384Mi' };
const medium = { cpu: '250m', memory: '256Mi', cpuLimit: '2', memoryLimit: '512Mi' };

/**
 * The platform's services as deployed. A lag-scaled service has a trigger for every topic each of
 * its groups reads (e2e/trace.test.ts compares them with the groups the running broker knows). Its
 * maximum never exceeds the largest partition count among those topics (a group cannot use more
 * members than partitions; KEDA caps each trigger at its topic's); the check in k8s.test.ts reads
 * the counts from libs/contracts and risk's internal topic.
 */
export const deployedServices: DeployedService[] = [
  {
    name: 'ingest',
    port: 8080,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 10,
    // Departments post events and read the receipts of what they posted.
    publicPaths: [{ path: '/v1/events' }, { path: '/v1/receipts' }],
    calledBy: [],
    resources: medium,
    secrets: {
      INGEST_SECRETS_KEY: ['ingest-secrets', 'INGEST_SECRETS_KEY'],
      INGEST_SECRETS_KEY_PREVIOUS: ['ingest-secrets', 'INGEST_SECRETS_KEY_PREVIOUS', 'optional'],
    },
  },
  {
    name: 'eligibility',
    port: 8081,
    grpcPort: 50051,
    scaling: 'lag',
    minReplicas: 2,
    maxReplicas: 12,
    lag: [
      'huimin.feed.household',
      'huimin.feed.member-income',
      'huimin.feed.household-assets',
      'huimin.feed.assistance-enrolment',
      'huimin.feed.disability',
      'huimin.risk.household',
    ].map((topic) => ({ group: 'eligibility', topic, lagThreshold: 500 })),
    calledBy: ['eldercare', 'discovery', 'notify', 'assistance'],
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
      // The join: the household facts, the re-keyed claims (risk's internal repartition topic) and
      // the policy.
      ...[
        'huimin.feed.household',
        'huimin.feed.member-income',
        'huimin.risk.claims-by-household',
        'huimin.eligibility.policy',
      ].map((topic) => ({ group: 'risk', topic, lagThreshold: 1000 })),
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
    lag: [
      'huimin.risk.household',
      'huimin.eligibility.household',
      'huimin.feed.household',
      'huimin.feed.disability',
      'huimin.feed.department-signal',
      'huimin.eldercare.order',
      'huimin.assistance.application',
    ].map((topic) => ({ group: 'discovery', topic, lagThreshold: 200 })),
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
    // The console (its page and built assets), the gateway it calls, its live streams, and the
    // alert links robot messages carry.
    publicPaths: [
      { path: '/', exact: true },
      { path: '/assets' },
      { path: '/api/discovery' },
      { path: '/api/identity' },
      { path: '/v1/stream', exact: true },
      { path: '/v1/ws', exact: true },
      { path: '/alerts' },
    ],
    calledBy: [],
    // Behind the ingress controller, which appends the client it sees to X-Forwarded-For: the
    // console gateway hands that client (and nothing the browser wrote) on to identity.
    env: { TRUSTED_PROXY_HOPS: '1' },
    resources: small,
  },
  {
    name: 'eldercare',
    port: 8085,
    grpcPort: 50055,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 8,
    publicPaths: [{ path: '/v1/orders' }, { path: '/v1/providers' }, { path: '/v1/elders' }],
    calledBy: ['notify', 'discovery'],
    resources: small,
  },
  {
    name: 'charity',
    port: 8086,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 6,
    publicPaths: [{ path: '/public' }],
    calledBy: ['notify'],
    // Behind the ingress: the per-address limit on payment orders counts the client it names.
    env: { TRUSTED_PROXY_HOPS: '1' },
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
    name: 'assistance',
    port: 8089,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 4,
    // The console's calls come through notify's gateway; discovery's household view asks too.
    calledBy: ['notify', 'discovery'],
    resources: small,
    secrets: { SERVICE_CLIENT_SECRET: ['assistance-secrets', 'SERVICE_CLIENT_SECRET'] },
  },
  {
    name: 'identity',
    port: 8087,
    scaling: 'cpu',
    minReplicas: 2,
    maxReplicas: 6,
    calledBy: 'all',
    // Console logins arrive through notify's gateway, which sets X-Forwarded-For to the client.
    env: { TRUSTED_PROXY_HOPS: '1' },
    secrets: { SIGNING_KEY_SECRET: ['identity-secrets', 'SIGNING_KEY_SECRET'] },
    // scrypt at log2 N = 15 costs 32 MiB per hash in flight.
    resources: { cpu: '250m', memory: '384Mi', cpuLimit: '2', memoryLimit: '768Mi' },
  },
];
