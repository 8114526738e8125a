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

/** One Grafana dashboard per service: its HTTP traffic and, for consumers, lag and dead letters. */
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
