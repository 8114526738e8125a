import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifyMetrics {
  /** From the event's time (discovery raised it) to the write to a client's connection. */
  deliveryLatency: Histogram<'transport'>;
  connectedClients: Gauge<'transport'>;
  robotFailures: Counter<'platform' | 'outcome'>;
  /** Each robot message once it is settled: delivered, or given up after the last attempt. */
  robotDeliveries: Counter<'platform' | 'outcome'>;
}

export function notifyMetrics(registry: Registry): NotifyMetrics {
  return {
    deliveryLatency: new Histogram({
      name: 'huimin_notify_delivery_latency_seconds',
      help: 'Time from an alert event to its write to a connected client (live deliveries, not replays)',
      labelNames: ['transport'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    connectedClients: new Gauge({
      name: 'huimin_notify_connected_clients',
      help: 'Open SSE and WebSocket sessions on this replica',
      labelNames: ['transport'],
      registers: [registry],
    }),
    robotFailures: new Counter({
      name: 'huimin_notify_robot_failures_total',
      help: 'Failed group-robot webhook attempts (outcome: retry scheduled, or gave-up)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    robotDeliveries: new Counter({
      name: 'huimin_notify_robot_deliveries_total',
      help: 'Group-robot messages settled, by platform and outcome (delivered, gave-up)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
  };
}
