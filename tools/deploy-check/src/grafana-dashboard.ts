import type { DeployedService } from './k8s/deployment-table.ts';

let nextId = 1;

function panel(title: string, expr: string, unit: string, x: number, y: number) {
  return {
    id: nextId++,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: 'prometheus' },
    gridPos: { x, y, w: 12, h: 8 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: 'A', expr, legendFormat: '__auto' }],
  };
}

/** Each service's own metrics (docs/metrics.md): title, PromQL (`$sel` = the service selector), unit. */
const domainPanels: Record<string, [string, string, string][]> = {
  ingest: [
    ['Events received by outcome', 'sum by (outcome) (rate(huimin_ingest_events_total{$sel}[5m]))', 'ops'],
    [
      'Requests refused by reason',
      'sum by (reason) (rate(huimin_ingest_requests_refused_total{$sel}[5m]))',
      'ops',
    ],
    [
      '99th percentile publish time by lane',
      'histogram_quantile(0.99, sum by (lane, le) (rate(huimin_ingest_publish_duration_seconds_bucket{$sel}[5m])))',
      's',
    ],
  ],
  discovery: [
    [
      'Signals by outcome (opened, merged, …)',
      'sum by (outcome) (increase(huimin_discovery_signals_total{$sel}[1h]))',
      'short',
    ],
    [
      'SLA breaches by town and clock',
      'sum by (town, clock) (increase(huimin_discovery_sla_breaches_total{$sel}[1h]))',
      'short',
    ],
    [
      '99th percentile signal to alert',
      'histogram_quantile(0.99, sum by (le) (rate(huimin_discovery_signal_to_alert_seconds_bucket{$sel}[5m])))',
      's',
    ],
  ],
  notify: [
    ['Connected clients', 'sum by (transport) (huimin_notify_connected_clients{$sel})', 'short'],
    [
      '99th percentile alert to screen',
      'histogram_quantile(0.99, sum by (transport, le) (rate(huimin_notify_delivery_latency_seconds_bucket{$sel}[5m])))',
      's',
    ],
    [
      'Robot messages by outcome',
      'sum by (platform, outcome) (increase(huimin_notify_robot_deliveries_total{$sel}[1h]))',
      'short',
    ],
  ],
  charity: [
    [
      'Donations booked by channel',
      'sum by (channel) (increase(huimin_charity_donations_total{$sel}[1h]))',
      'short',
    ],
    [
      'Money donated (yuan) by channel',
      'sum by (channel) (increase(huimin_charity_donated_fen_total{$sel}[1h])) / 100',
      'short',
    ],
    [
      'Reconciliation difference (fen) by fund',
      'max by (fund_id) (huimin_charity_reconciliation_difference_fen{$sel})',
      'short',
    ],
    [
      'Payment notifications by outcome',
      'sum by (outcome) (increase(huimin_charity_payment_notifications_total{$sel}[1h]))',
      'short',
    ],
  ],
};

/** One Grafana dashboard per service: its HTTP traffic, for consumers lag and dead letters, then its own metrics. */
export function serviceDashboard(service: DeployedService): Record<string, unknown> {
  nextId = 1;
  const sel = `service="${service.name}"`;
  const panels = [
    panel(
      'Requests per second by route',
      `sum by (route) (rate(huimin_http_request_duration_seconds_count{${sel}}[5m]))`,
      'reqps',
      0,
      0,
    ),
    panel(
      'Share of 5xx answers',
      `sum (rate(huimin_http_request_duration_seconds_count{${sel},status_code=~"5.."}[5m])) / sum (rate(huimin_http_request_duration_seconds_count{${sel}}[5m]))`,
      'percentunit',
      12,
      0,
    ),
    panel(
      '99th percentile response time',
      `histogram_quantile(0.99, sum by (le) (rate(huimin_http_request_duration_seconds_bucket{${sel}}[5m])))`,
      's',
      0,
      8,
    ),
    panel(
      'Consumer lag by group and topic',
      `sum by (group, topic) (huimin_consumer_lag_messages{${sel}})`,
      'short',
      12,
      8,
    ),
    panel(
      'Events consumed by outcome',
      `sum by (outcome) (rate(huimin_consumer_events_total{${sel}}[5m]))`,
      'ops',
      0,
      16,
    ),
    panel(
      '99th percentile event handling time',
      `histogram_quantile(0.99, sum by (group, le) (rate(huimin_consumer_handler_seconds_bucket{${sel}}[5m])))`,
      's',
      12,
      16,
    ),
  ];
  // What the service does, for an operator and a supervisor, below its traffic.
  (domainPanels[service.name] ?? []).forEach(([title, expr, unit], i) => {
    panels.push(panel(title, expr.replaceAll('$sel', sel), unit, (i % 2) * 12, 24 + Math.floor(i / 2) * 8));
  });
  return {
    uid: `huimin-${service.name}`,
    title: `Huimin · ${service.name}`,
    tags: ['huimin'],
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    panels,
  };
}
