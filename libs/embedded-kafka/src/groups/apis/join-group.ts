import type { ApiHandler } from '../../protocol/api.ts';
import type { Reader } from '../../protocol/reader.ts';
import type { GroupProtocol, JoinGroupResult } from '../group-coordinator.ts';
import { groupCoordinatorOf } from '../groups-service.ts';
import { clientHostOf } from './client-host.ts';

/** JoinGroup v0–5; held open until the rebalance completes (or the member is told to retry). */
export const joinGroupHandler: ApiHandler = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const sessionTimeoutMs = reader.int32();
    // v0 has no rebalance timeout: Kafka uses the session timeout for both.
    const rebalanceTimeoutMs = version >= 1 ? reader.int32() : sessionTimeoutMs;
    const memberId = reader.string();
    const groupInstanceId = version >= 5 ? reader.nullableString() : null;
    const protocolType = reader.string();
    const protocols = reader.array(
      (r: Reader): GroupProtocol => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }),
    );
    const coordinator = groupCoordinatorOf(ctx.broker);
    const result = await new Promise<JoinGroupResult>((resolve) =>
      coordinator.joinGroup(
        {
          groupId,
          memberId,
          groupInstanceId,
          clientId: ctx.clientId ?? '',
          clientHost: clientHostOf(ctx),
          sessionTimeoutMs,
          rebalanceTimeoutMs,
          protocolType,
          protocols,
          requireKnownMemberId: version >= 4,
        },
        resolve,
      ),
    );
    return (w) => {
      if (version >= 2) w.int32(0);
      w.int16(result.errorCode);
      w.int32(result.generationId);
      w.string(result.protocolName ?? '');
      w.string(result.leaderId);
      w.string(result.memberId);
      w.array(result.members, (mw, m) => {
        mw.string(m.memberId);
        if (version >= 5) mw.nullableString(m.groupInstanceId);
        mw.bytes(Buffer.from(m.metadata));
      });
    };
  },
};
