import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { bearerToken, type TokenVerifier } from '@huimin/auth';
import type { Logger } from '@huimin/kit';
import { HealthImplementation } from 'grpc-health-check';

/** Thrown by a handler to answer with a gRPC status (NOT_FOUND, INVALID_ARGUMENT, …) and a message. */
export class GrpcRefusal extends Error {
  readonly code: grpc.status;
  constructor(code: grpc.status, message: string) {
    super(message);
    this.name = 'GrpcRefusal';
    this.code = code;
  }
}

/** Wraps an async handler as a unary method: the caller's service token checked first. */
export type Unary = <Req, Res>(
  handle: (request: Req) => Promise<Res>,
) => (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => Promise<void>;

export interface GrpcService {
  /** The bound port (useful with port 0 in tests). */
  port: number;
  /** Reports NOT_SERVING, then lets calls in flight finish. */
  close(): Promise<void>;
}

export interface ServeOptions<Handlers> {
  /** The loaded proto (for reflection). */
  definition: protoLoader.PackageDefinition;
  /** The service's definition, e.g. `loaded.huimin.discovery.v1.AlertService.service`. */
  service: grpc.ServiceDefinition;
  /** Its full name, e.g. `huimin.discovery.v1.AlertService`, for the health service. */
  serviceName: string;
  /** Builds the method handlers with `unary`, which checks each caller's service token. */
  handlers: (unary: Unary) => Handlers;
  verifier: TokenVerifier;
  logger: Logger;
  /** host:port; port 0 binds a free one. */
  address: string;
  /** Turns a service's own errors into refusals (an unknown id → NOT_FOUND); others are INTERNAL. */
  refusalOf?: (err: unknown) => GrpcRefusal | undefined;
}

/**
 * Text Postgres cannot store (a NUL character, bytes invalid in UTF-8) reached a query: the request
 * carried it, so it is the caller's to fix, as libs/kit answers it over HTTP.
 */
function unstorableText(err: unknown): GrpcRefusal | undefined {
  const sqlState = (err as { code?: unknown } | null)?.code;
  return sqlState === '22021' || sqlState === '22P05'
    ? new GrpcRefusal(
        grpc.status.INVALID_ARGUMENT,
        'the request holds characters that cannot be stored (such as NUL)',
      )
    : undefined;
}

export function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/**
 * One Huimin gRPC service, served the platform's way: every method answers only callers that
 * present a service token (`authorization: Bearer …`, verified locally against identity's keys);
 * grpc.health.v1 and server reflection are open, so grpcurl and grpc_health_probe work without our
 * protos. A handler's GrpcRefusal becomes its status; anything else is logged and answered INTERNAL
 * without detail.
 */
export async function serveGrpc<Handlers extends grpc.UntypedServiceImplementation>(
  options: ServeOptions<Handlers>,
): Promise<GrpcService> {
  const { verifier, logger } = options;
  const server = new grpc.Server();

  async function refusal(metadata: grpc.Metadata): Promise<grpc.ServiceError | null> {
    const header = metadata.get('authorization')[0];
    const token = typeof header === 'string' ? bearerToken(header) : undefined;
    if (!token) return grpcError(grpc.status.UNAUTHENTICATED, 'a service token is required');
    try {
      await verifier.verifyService(token);
      return null;
    } catch (err: unknown) {
      logger.debug({ err }, 'gRPC call refused');
      return grpcError(grpc.status.UNAUTHENTICATED, 'the service token was refused');
    }
  }

  const unary: Unary =
    (handle) =>
    async (call, callback): Promise<void> => {
      const denied = await refusal(call.metadata);
      if (denied) return callback(denied);
      try {
        callback(null, await handle(call.request));
      } catch (err: unknown) {
        const refused = err instanceof GrpcRefusal ? err : (options.refusalOf?.(err) ?? unstorableText(err));
        if (refused) return callback(grpcError(refused.code, refused.message));
        logger.error({ err }, 'gRPC call failed');
        callback(grpcError(grpc.status.INTERNAL, 'internal error'));
      }
    };

  server.addService(options.service, options.handlers(unary));
  const health = new HealthImplementation({ '': 'SERVING', [options.serviceName]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(options.definition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(options.serviceName, 'NOT_SERVING');
        server.tryShutdown(() => resolve());
      }),
  };
}
