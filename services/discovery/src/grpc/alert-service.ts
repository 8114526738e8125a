import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { bearerToken, type TokenVerifier } from '@huimin/auth';
import type { Logger } from '@huimin/kit';
import type { Queryable } from '@huimin/pg';
import { HealthImplementation } from 'grpc-health-check';
import { ALERT_COLUMNS, type AlertRow, findAlert, toAlert } from '../store/alert-store.ts';
import type { ProtoGrpcType } from './generated/alert.ts';
import type { Alert as AlertMessage } from './generated/huimin/discovery/v1/Alert.ts';
import type { AlertServiceHandlers } from './generated/huimin/discovery/v1/AlertService.ts';
import { ALERT_PROTO, PROTO_ROOT } from './proto-types.ts';

export const ALERT_SERVICE_NAME = 'huimin.discovery.v1.AlertService';

export function loadAlertPackage(protoRoot: string = PROTO_ROOT): protoLoader.PackageDefinition {
  return protoLoader.loadSync(ALERT_PROTO, {
    includeDirs: [protoRoot],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}

const iso = (d: Date | null) => d?.toISOString() ?? '';

function toMessage(a: AlertRow): AlertMessage {
  return {
    alertId: a.id,
    householdId: a.householdId ?? '',
    communityCode: a.communityCode,
    status: a.status,
    townCode: a.townCode,
    type: a.type,
    title: a.title,
    priority: a.priority,
    assigneeUserId: a.assigneeUserId ?? '',
    raisedAt: iso(a.raisedAt),
    acknowledgeDueAt: iso(a.acknowledgeDueAt),
    visitDueAt: iso(a.visitDueAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    closedAt: iso(a.closedAt),
    outcome: a.outcome ?? '',
  };
}

export interface AlertGrpcServer {
  /** The bound port (useful with port 0 in tests). */
  port: number;
  close(): Promise<void>;
}

/**
 * `huimin.discovery.v1.AlertService` with the standard health and reflection services. Callers
 * are services: a service token in `authorization` metadata, verified locally.
 */
export async function startAlertGrpcServer(deps: {
  db: Queryable;
  verifier: TokenVerifier;
  logger: Logger;
  address: string;
  protoRoot?: string;
}): Promise<AlertGrpcServer> {
  const { db, verifier, logger } = deps;
  const definition = loadAlertPackage(deps.protoRoot);
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
    <Req, Res>(handle: (req: Req) => Promise<Res | grpc.ServiceError>) =>
    async (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      const denied = await authorised(call as grpc.ServerUnaryCall<unknown, unknown>);
      if (denied) return callback(denied);
      try {
        const result = await handle(call.request);
        if (result instanceof Error) return callback(result);
        callback(null, result);
      } catch (err: unknown) {
        logger.error({ err }, 'gRPC call failed');
        callback(fail(grpc.status.INTERNAL, 'internal error'));
      }
    };

  const handlers: AlertServiceHandlers = {
    GetAlert: unary(async (req) => {
      const alert = /^ALR-\d{4}-\d{6,9}$/.test(req.alertId) ? await findAlert(db, req.alertId) : undefined;
      return alert ? { alert: toMessage(alert) } : fail(grpc.status.NOT_FOUND, 'no such alert');
    }),
    ListOpenAlertsForHousehold: unary(async (req) => {
      if (!req.householdId) return fail(grpc.status.INVALID_ARGUMENT, 'household_id is required');
      const { rows } = await db.query(
        `select ${ALERT_COLUMNS} from alerts
          where household_id = $1 and status in ('open', 'acknowledged', 'visiting')
          order by priority, raised_at`,
        [req.householdId],
      );
      return { alerts: rows.map((r) => toMessage(toAlert(r))) };
    }),
  };
  server.addService(loaded.huimin.discovery.v1.AlertService.service, handlers);
  const health = new HealthImplementation({ '': 'SERVING', [ALERT_SERVICE_NAME]: 'SERVING' });
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
