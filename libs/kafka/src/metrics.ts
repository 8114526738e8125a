import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ConsumerMetrics {
  handlerSeconds: Histogram<'group' | 'topic' | 'type'>;
  events: Counter<'group' | 'topic' | 'outcome'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
}

const cache = new WeakMap<Registry, ConsumerMetrics>();

/** The consumer metrics of a registry, created once per registry (several runners may share it). */
export function consumerMetrics(registry: Registry): ConsumerMetrics {
  let metrics = cache.get(registry);
  if (!metrics) {
    metrics = {
      handlerSeconds: new Histogram({
        name: 'huimin_consumer_handler_seconds',
        help: 'Time to handle one event, inside its transaction',
        labelNames: ['group', 'topic', 'type'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
      events: new Counter({
        name: 'huimin_consumer_events_total',
        help: 'Events consumed, by outcome: handled, duplicate (seen before), skipped (type not handled), dead-lettered',
        labelNames: ['group', 'topic', 'outcome'],
        registers: [registry],
      }),
      lag: new Gauge({
        name: 'huimin_consumer_lag_messages',
        help: "Records behind the partition end (end offset minus the group's committed offset), measured on a timer and after each batch",
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
    };
    cache.set(registry, metrics);
  }
  return metrics;
}
