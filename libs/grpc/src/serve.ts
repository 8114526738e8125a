import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { bearerToken, type TokenVerifier } from '@huimin/auth';
import type { Logger } from '@huimin/kit';
import { HealthImplementation } from 'grpc-health-check';
import { PROTO_ROOT } from './proto-types.ts';

/** Thrown by a handler to answer with a gRPC status (NOT_FOUND, INVALID_ARGUMENT, …) and a message. */
export class GrpcRefusal extends Error {
  readonly code: grpc.status;
  constructor(code: grpc.status, message: string) {
    super(message);
    this.name = 'GrpcRefusal';
    this.code = code;
  }
}

/**
 * Wraps an async handler as a unary method. serveGrpc checks the caller's service token and the
 * method's allow-list before the handler runs; this turns the handler's outcome into the answer.
 */
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
  /** Builds the method handlers with `unary`. */
  handlers: (unary: Unary) => Handlers;
  /**
   * Method → the services allowed to call it. Default: the service's entry in `callers.json`
   * beside its proto (`proto/huimin/<service>/v1/callers.json`), where the contract declares it.
   */
  callers?: Callers;
  /** The proto folder the default `callers` are read from. */
  protoRoot?: string;
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

/** Method name (as in the proto) → the calling services it answers. */
export type Callers = Readonly<Record<string, readonly string[]>>;

/**
 * The allow-lists a service's contract declares in `callers.json` beside its proto, keyed by the
 * service's full name: `{ "huimin.discovery.v1.AlertService": { "GetAlert": ["charity"] } }`.
 */
export function callersOf(serviceName: string, protoRoot: string = PROTO_ROOT): Callers {
  const parts = serviceName.split('.');
  const file = join(protoRoot, ...parts.slice(0, -1), 'callers.json');
  let declared: unknown;
  try {
    declared = JSON.parse(readFileSync(file, 'utf8'))[serviceName];
  } catch (err: unknown) {
    throw new Error(`${serviceName}: no callers could be read from ${file}`, { cause: err });
  }
  if (typeof declared !== 'object' || declared === null)
    throw new Error(`${serviceName}: ${file} declares no callers for it`);
  return declared as Callers;
}

/**
 * Refuses to serve a method nobody is declared to call, or an allow-list naming a method the
 * service does not have (a typo would otherwise leave the real method closed, or open by mistake).
 */
function checkedCallers(serviceName: string, service: grpc.ServiceDefinition, callers: Callers): Callers {
  const methods = Object.keys(service);
  for (const method of methods) {
    const allowed = callers[method];
    if (!Array.isArray(allowed) || allowed.length === 0 || !allowed.every((s) => typeof s === 'string' && s))
      throw new Error(`${serviceName}.${method}: no calling services are declared`);
  }
  for (const method of Object.keys(callers))
    if (!methods.includes(method))
      throw new Error(`${serviceName}: callers name an unknown method ${method}`);
  return callers;
}

export function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/**
 * One Huimin gRPC service, served the platform's way: every method answers only callers that
 * present a service token (`authorization: Bearer …`, verified locally against identity's keys;
 * UNAUTHENTICATED otherwise) of a service on that method's allow-list (PERMISSION_DENIED
 * otherwise); grpc.health.v1 and server reflection are open, so grpcurl and grpc_health_probe
 * work without our protos. A handler's GrpcRefusal becomes its status; anything else is logged
 * and answered INTERNAL without detail.
 */
export async function serveGrpc<Handlers extends grpc.UntypedServiceImplementation>(
  options: ServeOptions<Handlers>,
): Promise<GrpcService> {
  const { verifier, logger } = options;
  const server = new grpc.Server();
  const callers = checkedCallers(
    options.serviceName,
    options.service,
    options.callers ?? callersOf(options.serviceName, options.protoRoot),
  );

  async function refusal(method: string, metadata: grpc.Metadata): Promise<grpc.ServiceError | null> {
    const header = metadata.get('authorization')[0];
    const token = typeof header === 'string' ? bearerToken(header) : undefined;
    if (!token) return grpcError(grpc.status.UNAUTHENTICATED, 'a service token is required');
    let caller: string;
    try {
      caller = (await verifier.verifyService(token)).service;
    } catch (err: unknown) {
      logger.debug({ err }, 'gRPC call refused');
      return grpcError(grpc.status.UNAUTHENTICATED, 'the service token was refused');
    }
    if (callers[method]?.includes(caller)) return null;
    logger.warn(
      { caller, method: `${options.serviceName}/${method}` },
      'gRPC call from a service not allowed',
    );
    return grpcError(grpc.status.PERMISSION_DENIED, `service ${caller} may not call ${method}`);
  }

  const unary: Unary =
    (handle) =>
    async (call, callback): Promise<void> => {
      try {
        callback(null, await handle(call.request));
      } catch (err: unknown) {
        const refused = err instanceof GrpcRefusal ? err : (options.refusalOf?.(err) ?? unstorableText(err));
        if (refused) return callback(grpcError(refused.code, refused.message));
        logger.error({ err }, 'gRPC call failed');
        callback(grpcError(grpc.status.INTERNAL, 'internal error'));
      }
    };

  // The door of every method: token, then allow-list, then the handler.
  const handlers = options.handlers(unary);
  const guarded: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    guarded[method] = async (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      const denied = await refusal(method, call.metadata);
      if (denied) return callback(denied);
      return (handler as grpc.handleUnaryCall<unknown, unknown>)(call, callback);
    };
  }
  server.addService(options.service, guarded);
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
