import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { TokenVerifier } from '@huimin/auth';
import { GrpcRefusal, type GrpcService, serveGrpc } from '@huimin/grpc';
import type { Logger } from '@huimin/kit';
import type { Queryable } from '@huimin/pg';
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
    // A manual alert about someone the registry does not know names no household to services.
    householdId: a.subjectKey.startsWith('unverified:') ? '' : (a.householdId ?? ''),
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
    reasons: a.reasons.filter((r) => !r.withdrawnAt).map((r) => r.summary),
  };
}

export type AlertGrpcServer = GrpcService;

/**
 * `huimin.discovery.v1.AlertService` for the services its contract allows (callers.json beside the
 * proto), with health and reflection.
 */
export async function startAlertGrpcServer(deps: {
  db: Queryable;
  verifier: TokenVerifier;
  logger: Logger;
  address: string;
  protoRoot?: string;
}): Promise<AlertGrpcServer> {
  const { db } = deps;
  const definition = loadAlertPackage(deps.protoRoot);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return serveGrpc({
    definition,
    service: loaded.huimin.discovery.v1.AlertService.service,
    serviceName: ALERT_SERVICE_NAME,
    verifier: deps.verifier,
    logger: deps.logger,
    address: deps.address,
    ...(deps.protoRoot ? { protoRoot: deps.protoRoot } : {}),
    handlers: (unary): AlertServiceHandlers => ({
      GetAlert: unary(async (req: { alertId: string }) => {
        const alert = /^ALR-\d{4}-\d{6,9}$/.test(req.alertId) ? await findAlert(db, req.alertId) : undefined;
        if (!alert) throw new GrpcRefusal(grpc.status.NOT_FOUND, 'no such alert');
        return { alert: toMessage(alert) };
      }),
      ListOpenAlertsForHousehold: unary(async (req: { householdId: string }) => {
        if (!req.householdId) throw new GrpcRefusal(grpc.status.INVALID_ARGUMENT, 'household_id is required');
        // By the subject key, not the household id column: a manual alert about a household the
        // registry did not know carries what a handler typed under a key of its own, and is no
        // alert of the household's to another service.
        const { rows } = await db.query(
          `select ${ALERT_COLUMNS} from alerts
            where subject_key = $1 and status in ('open', 'acknowledged', 'visiting')
            order by priority, raised_at`,
          [req.householdId],
        );
        return { alerts: rows.map((r) => toMessage(toAlert(r))) };
      }),
    }),
  });
}
