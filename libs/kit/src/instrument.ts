// The OpenTelemetry instrumentations every service runs, loaded before the service's own modules:
// `node --import @huimin/kit/instrument src/main.ts` (the Dockerfile, the start scripts, the dev
// stack and the end-to-end platform all start services so). They must be in place before `pg`,
// `ioredis`, `@grpc/grpc-js`, `node:http` and fastify are first imported, so main.ts cannot set
// them up itself: its static imports load those modules before its first line runs.
//
// Spans go to the tracer provider main.ts registers later through initTelemetry (the API hands out
// proxy tracers until then), so this file only patches the libraries.
//
// What is traced: every HTTP request in and out (`traceparent` read from incoming requests, so a
// department that sends one gets ingest's spans in its own trace), each fastify route and hook,
// each Postgres query, each Redis command, each gRPC call in and out. Health checks, readiness and
// metrics scrapes are not traced: they would bury the claims.
import { register } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/** Paths no span is made for: probes and scrapes. */
export const UNTRACED_PATHS: readonly string[] = ['/livez', '/readyz', '/healthz', '/metrics'];

function untraced(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0] ?? '';
  return UNTRACED_PATHS.includes(path);
}

// Only the modules an instrumentation hooks are wrapped for ESM imports; the rest load untouched.
const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => untraced(request.url),
    }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => untraced(url),
    }),
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new GrpcInstrumentation(),
  ],
});

await waitForAllMessagesAcknowledged();
