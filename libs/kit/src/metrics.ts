import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per service, with Node's process metrics (CPU, memory, event loop lag,
 * GC) and a `service` label on every series. Services register their own metrics on it:
 * `new Counter({ name: 'huimin_risk_claims_joined_total', help: '...', registers: [registry] })`.
 */
export function createMetricsRegistry({ service }: { service: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
