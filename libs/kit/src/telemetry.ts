import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Env } from './config.ts';

export interface TelemetryOptions {
  serviceName: string;
  /** Reads OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://collector:4318); default process.env. */
  env?: Env;
}

let shutdownTelemetry: (() => Promise<void>) | undefined;

/**
 * Sets up the process-wide OpenTelemetry tracer provider: W3C trace context for propagation
 * (the `traceparent` header in HTTP and Kafka), spans exported over OTLP/HTTP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it spans are still created, so trace ids reach
 * logs and outgoing headers, but go nowhere. Calling it again returns the first call's shutdown.
 */
export function initTelemetry({ serviceName, env = process.env }: TelemetryOptions): () => Promise<void> {
  if (shutdownTelemetry) return shutdownTelemetry;

  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: endpoint
      ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }))]
      : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });

  let done: Promise<void> | undefined;
  shutdownTelemetry = () => {
    done ??= provider.shutdown(); // flushes spans still waiting in the batch
    return done;
  };
  return shutdownTelemetry;
}
