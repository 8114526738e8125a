import { Counter, Histogram, type Registry } from 'prom-client';

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/**
 * What operators watch: events accepted and rejected by department, type and reason, requests
 * refused before any event was read (authentication, scope, rate, size), and how long publishing
 * takes. Label values come from closed sets only (department codes, declared types, error codes),
 * never from what a sender wrote, so hostile input cannot blow up the series count.
 */
export function createIngestMetrics(registry: Registry) {
  const events = new Counter({
    name: 'huimin_ingest_events_total',
    help: 'Events received, by department, event type, outcome (accepted, duplicate, rejected, not-permitted) and reason',
    labelNames: ['department', 'type', 'outcome', 'reason'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'huimin_ingest_requests_refused_total',
    help: 'Requests refused as a whole, by department (unknown when unauthenticated), event type and reason',
    labelNames: ['department', 'type', 'reason'],
    registers: [registry],
  });
  const publish = new Histogram({
    name: 'huimin_ingest_publish_duration_seconds',
    help: 'From handing events to the producer until every in-sync replica has them, per request, by lane',
    labelNames: ['lane', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    event(department: string, type: string, outcome: string, reason: string, count = 1): void {
      events.inc({ department, type, outcome, reason }, count);
    },
    refused(department: string, type: string, reason: string): void {
      refused.inc({ department, type, reason });
    },
    published(lane: string, seconds: number, ok: boolean): void {
      publish.observe({ lane, outcome: ok ? 'ok' : 'failed' }, seconds);
    },
  };
}
