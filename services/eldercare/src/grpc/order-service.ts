import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { TokenVerifier } from '@huimin/auth';
import { GrpcRefusal, type GrpcService, serveGrpc } from '@huimin/grpc';
import type { Logger } from '@huimin/kit';
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

export type OrderGrpcServer = GrpcService;

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
  const { desk } = deps;
  const definition = loadOrderPackage(deps.protoRoot);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return serveGrpc({
    definition,
    service: loaded.huimin.eldercare.v1.OrderService.service,
    serviceName: ORDER_SERVICE_NAME,
    verifier: deps.verifier,
    logger: deps.logger,
    address: deps.address,
    refusalOf: (err) =>
      (err as { code?: unknown }).code === 'ORDER_NOT_FOUND'
        ? new GrpcRefusal(grpc.status.NOT_FOUND, 'no such order')
        : undefined,
    handlers: (unary): OrderServiceHandlers => ({
      GetOrder: unary(async (req: { orderId: string }) => toMessage(await desk.getOrder(req.orderId))),
      ListOrdersForElder: unary(async (req: { elderId: string; limit: number; month: string }) => {
        const orders = await desk.listOrders({
          elderId: req.elderId,
          limit: req.limit > 0 && req.limit <= 500 ? req.limit : 100,
          ...(req.month ? { month: req.month } : {}),
        });
        return { orders: orders.map(toMessage) };
      }),
    }),
  });
}
