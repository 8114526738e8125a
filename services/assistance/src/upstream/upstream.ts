import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_ROOT } from '@huimin/grpc';

// The two services the assistance service asks synchronously, over their own contracts in proto/
// (loaded at start, never copied): discovery for the alert an application starts from, eligibility
// for the amount the rule allows. Both are called with the service's own token.

export class UpstreamUnavailable extends Error {
  override name = 'UpstreamUnavailable';
}

export interface AlertSummary {
  alertId: string;
  householdId: string;
  communityCode: string;
  status: string;
  type: string;
  title: string;
  priority: string;
  /** The alert's reasons in Chinese, as discovery holds them. */
  reasons: string[];
}

export interface AlertDirectory {
  /** The alert, or undefined when discovery has none with this id. */
  getAlert(alertId: string): Promise<AlertSummary | undefined>;
}

export interface Check {
  code: string;
  passed: boolean;
  actual: string;
  threshold: string;
}

export interface Proposal {
  householdId: string;
  asOf: string;
  policyVersion: string;
  standardPolicyVersion: string;
  dibaoStandardFen: number;
  householdSize: number;
  cause: string;
  status: 'eligible' | 'ineligible' | 'needs_review';
  maximumFen: number;
  proposedFen: number;
  approvalLevel: 'town' | 'bureau';
  nextPossibleOn: string;
  checks: Check[];
}

export interface ProposalRequest {
  householdId: string;
  cause: string;
  requestedFen: number;
  lastGrantedOn?: string | undefined;
}

export interface EligibilityAdvisor {
  /** What the rule allows; undefined when eligibility does not know the household. */
  propose(request: ProposalRequest): Promise<Proposal | undefined>;
}

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: unknown) => void,
) => void;

function clientOf(proto: string, path: string[], address: string): grpc.Client {
  const definition = protoLoader.loadSync(proto, {
    includeDirs: [PROTO_ROOT],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const key of path) node = (node as Record<string, unknown>)[key];
  const Client = node as grpc.ServiceClientConstructor;
  return new Client(address, grpc.credentials.createInsecure());
}

function unary<Res>(
  client: grpc.Client,
  method: string,
  request: object,
  token: () => Promise<string>,
  deadlineMs: number,
): Promise<Res | undefined> {
  return token().then(
    (bearer) =>
      new Promise<Res | undefined>((resolve, reject) => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${bearer}`);
        (client as unknown as Record<string, UnaryMethod>)[method]?.call(
          client,
          request,
          metadata,
          { deadline: new Date(Date.now() + deadlineMs) },
          (err, res) => {
            if (err === null) resolve(res as Res);
            else if (err.code === grpc.status.NOT_FOUND) resolve(undefined);
            else reject(new UpstreamUnavailable(`${method}: ${grpc.status[err.code]} ${err.details}`));
          },
        );
      }),
    (err: unknown) => {
      throw new UpstreamUnavailable('no service token', { cause: err });
    },
  );
}

export interface UpstreamOptions {
  discoveryAddress: string;
  eligibilityAddress: string;
  deadlineMs: number;
  serviceToken: { token(): Promise<string> };
}

export function createUpstream(options: UpstreamOptions): {
  alerts: AlertDirectory;
  eligibility: EligibilityAdvisor;
  close(): void;
} {
  const discovery = clientOf(
    'huimin/discovery/v1/alert.proto',
    ['huimin', 'discovery', 'v1', 'AlertService'],
    options.discoveryAddress,
  );
  const eligibility = clientOf(
    'huimin/eligibility/v1/eligibility.proto',
    ['huimin', 'eligibility', 'v1', 'EligibilityService'],
    options.eligibilityAddress,
  );
  const token = () => options.serviceToken.token();
  return {
    alerts: {
      async getAlert(alertId) {
        const res = await unary<{ alert?: AlertSummary }>(
          discovery,
          'GetAlert',
          { alertId },
          token,
          options.deadlineMs,
        );
        const a = res?.alert;
        if (!a?.householdId) return undefined;
        return {
          alertId: a.alertId,
          householdId: a.householdId,
          communityCode: a.communityCode,
          status: a.status,
          type: a.type,
          title: a.title,
          priority: a.priority,
          reasons: a.reasons ?? [],
        };
      },
    },
    eligibility: {
      async propose(request) {
        const res = await unary<Record<string, unknown>>(
          eligibility,
          'ProposeTemporaryAssistance',
          {
            householdId: request.householdId,
            cause: request.cause,
            requestedFen: String(request.requestedFen),
            lastGrantedOn: request.lastGrantedOn ?? '',
          },
          token,
          options.deadlineMs,
        );
        if (!res) return undefined;
        return {
          ...(res as unknown as Proposal),
          dibaoStandardFen: Number(res.dibaoStandardFen),
          maximumFen: Number(res.maximumFen),
          proposedFen: Number(res.proposedFen),
        };
      },
    },
    close() {
      discovery.close();
      eligibility.close();
    },
  };
}
