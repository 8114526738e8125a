import type { ApiHandler } from '../../protocol/api.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** DescribeGroups v0–2. */
export const describeGroupsHandler: ApiHandler = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, reader, version) {
    const groupIds = reader.array((r) => r.string());
    const coordinator = groupCoordinatorOf(ctx.broker);
    const groups = groupIds.map((id) => coordinator.describeGroup(id));
    return (w) => {
      if (version >= 1) w.int32(0);
      w.array(groups, (gw, g) => {
        gw.int16(g.errorCode);
        gw.string(g.groupId);
        gw.string(g.state);
        gw.string(g.protocolType);
        gw.string(g.protocolData);
        gw.array(g.members, (mw, m) => {
          mw.string(m.memberId);
          mw.string(m.clientId);
          mw.string(m.clientHost);
          mw.bytes(Buffer.from(m.metadata));
          mw.bytes(Buffer.from(m.assignment));
        });
      });
    };
  },
};
