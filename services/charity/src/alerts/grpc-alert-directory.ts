import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { AlertCheckUnavailable, type AlertDirectory, type AlertSummary } from './alert-directory.ts';

// Discovery's `huimin.discovery.v1.AlertService.GetAlert`, asked with charity's service token.
// The contract is discovery's, in proto/huimin/discovery/v1/ (loaded at start, never copied here).

/** The repository's proto/ folder. */
export const PROTO_ROOT = fileURLToPath(new URL('../../../../proto/', import.meta.url));
const DISCOVERY_PROTO_DIR = join(PROTO_ROOT, 'huimin', 'discovery', 'v1');

interface AlertMessage {
  alertId?: string;
  householdId?: string;
  communityCode?: string;
  status?: string;
}

type GetAlert = (
  request: { alertId: string },
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: { alert?: AlertMessage }) => void,
) => void;

type AlertServiceClient = grpc.Client & { GetAlert: GetAlert };

/** The AlertService definition from discovery's proto files, or undefined when they are not there. */
export function loadAlertServiceDefinition(
  protoRoot: string = PROTO_ROOT,
): grpc.ServiceClientConstructor | undefined {
  const dir = join(protoRoot, 'huimin', 'discovery', 'v1');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.proto'))
    .map((f) => join('huimin', 'discovery', 'v1', f));
  if (files.length === 0) return undefined;
  const definition = protoLoader.loadSync(files, {
    includeDirs: [protoRoot],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    huimin?: { discovery?: { v1?: { AlertService?: grpc.ServiceClientConstructor } } };
  };
  return loaded.huimin?.discovery?.v1?.AlertService;
}

export function createGrpcAlertDirectory(options: {
  address: string;
  deadlineMs: number;
  /** Charity's service token for discovery (createServiceTokenClient from @huimin/auth). */
  serviceToken: { token(): Promise<string> };
  protoRoot?: string;
  credentials?: grpc.ChannelCredentials;
}): AlertDirectory {
  const AlertService = loadAlertServiceDefinition(options.protoRoot);
  const client = AlertService
    ? (new AlertService(
        options.address,
        options.credentials ?? grpc.credentials.createInsecure(),
      ) as unknown as AlertServiceClient)
    : undefined;

  return {
    async getAlert(alertId: string): Promise<AlertSummary | undefined> {
      if (client === undefined) {
        throw new AlertCheckUnavailable(`discovery's AlertService contract is not in ${DISCOVERY_PROTO_DIR}`);
      }
      let token: string;
      try {
        token = await options.serviceToken.token();
      } catch (err: unknown) {
        throw new AlertCheckUnavailable('no service token to call discovery with', { cause: err });
      }
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const response = await new Promise<{ alert?: AlertMessage } | undefined>((resolve, reject) => {
        client.GetAlert(
          { alertId },
          metadata,
          { deadline: new Date(Date.now() + options.deadlineMs) },
          (err, res) => {
            if (err === null) resolve(res);
            else if (err.code === grpc.status.NOT_FOUND) resolve(undefined);
            else
              reject(
                new AlertCheckUnavailable(`discovery answered ${grpc.status[err.code]}: ${err.details}`, {
                  cause: err,
                }),
              );
          },
        );
      });
      const alert = response?.alert;
      if (alert === undefined) return undefined;
      return {
        alertId: alert.alertId || alertId,
        ...(alert.householdId ? { householdId: alert.householdId } : {}),
        communityCode: alert.communityCode ?? '',
        status: alert.status ?? '',
      };
    },
    close() {
      client?.close();
    },
  };
}
