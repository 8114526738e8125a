import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { bearerToken, type TokenVerifier } from '@huimin/auth';
import type { Logger } from '@huimin/kit';
import { HealthImplementation } from 'grpc-health-check';
import type { Order, OrderDesk } from '../order-desk.ts';
import type { Order as OrderMessage } from './generated/huimin/eldercare/v1/Order.ts';
import type { OrderServiceHandlers } from './generated/huimin/eldercare/v1/OrderService.ts';
import type { ProtoGrpcType } from './generated/order.ts';
import { ORDER_PROTO, PROTO_ROOT } from './proto-types.ts';

export const ORDER_SERVICE_NAME = 'huimin.eldercare.v1.OrderService';

export function loadOrderPackage(protoRoot: string = PROTO_ROOT): protoLoader.PackageDefinition {
  return protoLoader.loadSync(ORDER_PROTO, {
    includeDirs: [protoRoot],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}

function toMessage(o: Order): OrderMessage {
  return {
    orderId: o.orderId,
    elderId: o.elderId,
    townCode: o.townCode,
    communityCode: o.communityCode,
    serviceType: o.serviceType,
    status: o.status,
    providerId: o.providerId ?? '',
    caregiverId: o.caregiverId ?? '',
    windowStart: o.windowStart,
    windowEnd: o.windowEnd,
    checkedInAt: o.checkedInAt ?? '',
    checkedOutAt: o.checkedOutAt ?? '',
    priceFen: String(o.priceFen),
    subsidyFen: String(o.subsidyFen),
    selfPayFen: String(o.selfPayFen),
    quotaMonth: o.quotaMonth,
    policyVersion: o.policyVersion,
  };
}

export interface OrderGrpcServer {
  /** The bound port (useful with port 0 in tests). */
  port: number;
  close(): Promise<void>;
}

/**
 * `huimin.eldercare.v1.OrderService` with the standard health and reflection services. Callers
 * are services: a service token in `authorization` metadata, verified locally.
 */
export async function startOrderGrpcServer(deps: {
  desk: OrderDesk;
  verifier: TokenVerifier;
  logger: Logger;
  address: string;
  protoRoot?: string;
}): Promise<OrderGrpcServer> {
  const { desk, verifier, logger } = deps;
  const definition = loadOrderPackage(deps.protoRoot);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  const server = new grpc.Server();

  async function authorised(call: grpc.ServerUnaryCall<unknown, unknown>): Promise<grpc.ServiceError | null> {
    const header = call.metadata.get('authorization')[0];
    const token = typeof header === 'string' ? bearerToken(header) : undefined;
    if (!token) return fail(grpc.status.UNAUTHENTICATED, 'a service token is required');
    try {
      await verifier.verifyService(token);
      return null;
    } catch (err: unknown) {
      logger.debug({ err }, 'gRPC call refused');
      return fail(grpc.status.UNAUTHENTICATED, 'the service token was refused');
    }
  }

  const unary =
    <Req, Res>(handle: (req: Req) => Promise<Res>) =>
    async (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      const denied = await authorised(call as grpc.ServerUnaryCall<unknown, unknown>);
      if (denied) return callback(denied);
      try {
        callback(null, await handle(call.request));
      } catch (err: unknown) {
        const code = (err as { code?: unknown }).code;
        if (code === 'ORDER_NOT_FOUND') return callback(fail(grpc.status.NOT_FOUND, 'no such order'));
        logger.error({ err }, 'gRPC call failed');
        callback(fail(grpc.status.INTERNAL, 'internal error'));
      }
    };

  const handlers: OrderServiceHandlers = {
    GetOrder: unary(async (req) => toMessage(await desk.getOrder(req.orderId))),
    ListOrdersForElder: unary(async (req) => {
      const orders = await desk.listOrders({
        elderId: req.elderId,
        limit: req.limit > 0 && req.limit <= 500 ? req.limit : 100,
        ...(req.month ? { month: req.month } : {}),
      });
      return { orders: orders.map(toMessage) };
    }),
  };
  server.addService(loaded.huimin.eldercare.v1.OrderService.service, handlers);
  const health = new HealthImplementation({ '': 'SERVING', [ORDER_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(deps.address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        server.tryShutdown(() => resolve());
      }),
  };
}

function fail(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}
