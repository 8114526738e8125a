import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IHTTPIngressPath } from 'kubernetes-models/networking.k8s.io/v1/HTTPIngressPath';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { DeployedService } from './deployment-table.ts';

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; namespace?: string };
};

const PART_OF = { 'app.kubernetes.io/part-of': 'huimin' };
const labels = (name: string) => ({ 'app.kubernetes.io/name': name, ...PART_OF });
const selector = (name: string) => ({ 'app.kubernetes.io/name': name });

/** Where the platform's shared infrastructure is reached from inside the cluster. */
/** The platform's public host name (the ingress); overlays replace it per deployment. */
const PUBLIC_HOST = 'huimin.example.gov.cn';

export const clusterEndpoints = {
  kafkaBootstrap: 'kafka-bootstrap.kafka.svc:9092',
  otelCollector: 'http://otel-collector.monitoring.svc:4318',
  identity: 'http://identity:8087',
  /** Namespaces allowed in: the ingress controller's and the monitoring stack's. */
  ingressNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
};

function secretEnv(name: string, secret: string, key: string, optional?: 'optional') {
  return {
    name,
    valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional: true } : {}) } },
  };
}

function deployment(service: DeployedService): Manifest {
  const ports = [{ name: 'http', containerPort: service.port }];
  if (service.grpcPort) ports.push({ name: 'grpc', containerPort: service.grpcPort });
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const manifest: IDeployment & Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels: labels(service.name) },
    // No `replicas`: every Deployment has an autoscaler (KEDA's ScaledObject or an HPA) that owns
    // the count; a `replicas` here would reset it on every apply. A new Deployment starts with one
    // pod and the autoscaler raises it to its minimum at once.
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(service.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(service.name),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(service.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          // The service drains within SHUTDOWN_TIMEOUT_MS; the pod gets a margin beyond it.
          terminationGracePeriodSeconds: 30,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(service.name) },
            },
          ],
          containers: [
            {
              name: service.name,
              image: `huimin/${service.name}`,
              ports,
              envFrom: [{ configMapRef: { name: 'huimin-common' } }],
              env: [
                { name: 'PORT', value: String(service.port) },
                ...Object.entries(service.env ?? {}).map(([name, value]) => ({ name, value })),
                secretEnv('DATABASE_URL', `${service.name}-postgres`, 'url'),
                secretEnv('REDIS_URL', 'huimin-redis', 'url'),
                ...Object.entries(service.secrets ?? {}).map(([env, [secret, key, optional]]) =>
                  secretEnv(env, secret, key, optional),
                ),
              ],
              resources: {
                requests: { cpu: service.resources.cpu, memory: service.resources.memory },
                limits: { cpu: service.resources.cpuLimit, memory: service.resources.memoryLimit },
              },
              // Migrations run at start, so the first answer may take a while: the startup probe
              // holds liveness off until /livez answers once.
              startupProbe: probe('/livez', 5, 24),
              livenessProbe: probe('/livez', 10, 3),
              readinessProbe: probe('/readyz', 5, 2),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
  return manifest;
}

function service(svc: DeployedService): Manifest {
  const ports: IServicePort[] = [{ name: 'http', port: svc.port, targetPort: 'http' }];
  if (svc.grpcPort) ports.push({ name: 'grpc', port: svc.grpcPort, targetPort: 'grpc' });
  const manifest: IService & Manifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, labels: labels(svc.name) },
    spec: { selector: selector(svc.name), ports },
  };
  return manifest;
}

function disruptionBudget(svc: DeployedService): Manifest {
  const manifest: IPodDisruptionBudget & Manifest = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: svc.name, labels: labels(svc.name) },
    spec: { minAvailable: 1, selector: { matchLabels: selector(svc.name) } },
  };
  return manifest;
}

function autoscaler(svc: DeployedService): Manifest {
  const cpuTarget = 70;
  if (svc.scaling === 'cpu') {
    const hpa: IHorizontalPodAutoscaler & Manifest = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: svc.name, labels: labels(svc.name) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc.name },
        minReplicas: svc.minReplicas,
        maxReplicas: svc.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuTarget } },
          },
        ],
      },
    };
    return hpa;
  }
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: svc.name, labels: labels(svc.name) },
    spec: {
      scaleTargetRef: { name: svc.name },
      minReplicaCount: svc.minReplicas,
      maxReplicaCount: svc.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: 300,
      triggers: [
        ...(svc.lag ?? []).map((lag) => ({
          type: 'kafka',
          metadata: {
            bootstrapServers: clusterEndpoints.kafkaBootstrap,
            consumerGroup: lag.group,
            topic: lag.topic,
            lagThreshold: String(lag.lagThreshold),
            offsetResetPolicy: 'earliest',
            // More consumers than partitions would sit idle: KEDA caps at the partition count.
            allowIdleConsumers: 'false',
          },
        })),
        { type: 'cpu', metricType: 'Utilization', metadata: { value: String(cpuTarget) } },
      ],
    },
  };
}

function networkPolicy(svc: DeployedService, all: readonly DeployedService[]): Manifest {
  const ports = [{ protocol: 'TCP', port: svc.port }];
  if (svc.grpcPort) ports.push({ protocol: 'TCP', port: svc.grpcPort });
  const callers =
    svc.calledBy === 'all' ? all.map((other) => other.name).filter((n) => n !== svc.name) : svc.calledBy;
  const from: Record<string, unknown>[] = callers.map((caller) => ({
    podSelector: { matchLabels: selector(caller) },
  }));
  if (svc.publicPaths && svc.publicPaths.length > 0) {
    from.push({
      namespaceSelector: {
        matchLabels: { 'kubernetes.io/metadata.name': clusterEndpoints.ingressNamespace },
      },
    });
  }
  const ingress: Record<string, unknown>[] = [
    // Prometheus scrapes /metrics on the HTTP port.
    {
      from: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': clusterEndpoints.monitoringNamespace },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: svc.port }],
    },
  ];
  if (from.length > 0) ingress.push({ from, ports });
  const manifest: INetworkPolicy & Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: svc.name, labels: labels(svc.name) },
    spec: { podSelector: { matchLabels: selector(svc.name) }, policyTypes: ['Ingress'], ingress },
  };
  return manifest;
}

/** Everything in the namespace is closed unless a policy above opens it. */
function denyAllIngress(): Manifest {
  const manifest: INetworkPolicy & Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', labels: PART_OF },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  return manifest;
}

function commonConfig(): Manifest {
  const manifest: IConfigMap & Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'huimin-common', labels: PART_OF },
    data: {
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: clusterEndpoints.kafkaBootstrap,
      OTEL_EXPORTER_OTLP_ENDPOINT: clusterEndpoints.otelCollector,
      SHUTDOWN_TIMEOUT_MS: '20000',
      AUTH_ISSUER: clusterEndpoints.identity,
      AUTH_JWKS_URL: `${clusterEndpoints.identity}/.well-known/jwks.json`,
      IDENTITY_URL: clusterEndpoints.identity,
      ISSUER: clusterEndpoints.identity,
      DISCOVERY_GRPC_ADDRESS: 'discovery:50053',
      ELIGIBILITY_GRPC_ADDRESS: 'eligibility:50051',
      ELIGIBILITY_URL: 'http://eligibility:8081',
      RISK_URL: 'http://risk:8082',
      ELDERCARE_URL: 'http://eldercare:8085',
      CHARITY_URL: 'http://charity:8086',
      ASSISTANCE_URL: 'http://assistance:8089',
      // Where people open the case-handler console (notify serves it at the ingress's root); robot
      // messages link there.
      CONSOLE_URL: `https://${PUBLIC_HOST}`,
      // notify serves the console its image built (relative to its directory) and forwards the
      // console's calls to discovery, identity, the scorecard and assistance (same origin).
      CONSOLE_DIR: 'console/dist',
      DISCOVERY_URL: 'http://discovery:8083',
      SCORECARD_URL: 'http://scorecard:8088',
    },
  };
  return manifest;
}

/** Creates every declared topic (and its .dlq) before the services need them; safe to re-run. */
function topicsJob(): Manifest {
  const manifest: IJob & Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'huimin-topics', labels: labels('huimin-topics') },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: labels('huimin-topics') },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'topics',
              image: 'huimin/ingest',
              workingDir: '/app/libs/kafka',
              command: ['node', 'src/cli/create-topics.ts', '--mode', 'prod'],
              envFrom: [{ configMapRef: { name: 'huimin-common' } }],
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
  return manifest;
}

function publicIngress(services: readonly DeployedService[]): Manifest {
  const paths = services.flatMap((svc) =>
    (svc.publicPaths ?? []).map(
      ({ path, exact }): IHTTPIngressPath => ({
        path,
        pathType: exact ? 'Exact' : 'Prefix',
        backend: { service: { name: svc.name, port: { name: 'http' } } },
      }),
    ),
  );
  const manifest: IIngress & Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'huimin-public', labels: PART_OF },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: [PUBLIC_HOST], secretName: 'huimin-public-tls' }],
      rules: [{ host: PUBLIC_HOST, http: { paths } }],
    },
  };
  return manifest;
}

/** The base's files: name → documents. */
export function renderBase(services: readonly DeployedService[]): Map<string, Manifest[]> {
  const files = new Map<string, Manifest[]>();
  files.set('common.yaml', [commonConfig(), denyAllIngress(), publicIngress(services), topicsJob()]);
  for (const svc of services) {
    files.set(`${svc.name}.yaml`, [
      deployment(svc),
      service(svc),
      disruptionBudget(svc),
      autoscaler(svc),
      networkPolicy(svc, services),
    ]);
  }
  return files;
}
