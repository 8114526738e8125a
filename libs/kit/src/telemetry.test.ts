import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { initTelemetry } from './telemetry.ts';

// A stand-in OTLP/HTTP collector: records what the exporter posts.
const received: { url: string; body: string }[] = [];
const collector = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  received.push({ url: req.url ?? '', body });
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
collector.listen(0, '127.0.0.1');
await once(collector, 'listening');
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

afterAll(() => {
  collector.close();
});

describe('initTelemetry', () => {
  // One tracer provider per process: this file initialises it once, with an OTLP endpoint.
  const shutdown = initTelemetry({
    serviceName: 'kit-telemetry-test',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
  });

  it('is idempotent: a second call returns the same shutdown', () => {
    expect(initTelemetry({ serviceName: 'other' })).toBe(shutdown);
  });

  it('propagates W3C trace context and puts trace ids in log lines', () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 'kit-telemetry-test',
      destination: { write: (line) => lines.push(line) },
    });
    const tracer = trace.getTracer('kit-test');
    const span = tracer.startSpan('process huimin.risk.household');
    const headers: Record<string, string> = {};
    context.with(trace.setSpan(context.active(), span), () => {
      propagation.inject(context.active(), headers);
      logger.info('inside span');
    });
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ traceId, spanId });
  });

  it('exports finished spans to the OTLP endpoint, flushed by shutdown', async () => {
    trace.getTracer('kit-test').startSpan('send huimin.eligibility.household').end();
    await shutdown();
    const traces = received.filter((request) => request.url === '/v1/traces').map((request) => request.body);
    expect(traces.join('')).toContain('send huimin.eligibility.household');
    expect(traces.join('')).toContain('kit-telemetry-test');
  });
});
