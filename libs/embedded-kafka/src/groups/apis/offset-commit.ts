import type { ApiHandler } from '../../protocol/api.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** OffsetCommit v2–5. */
export const offsetCommitHandler: ApiHandler = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 5,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    // v2–4 carry a retention time; committed offsets here are kept until the group is deleted.
    if (version <= 4) reader.int64();
    const topics = reader.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({
        partition: p.int32(),
        offset: p.int64Big(),
        leaderEpoch: -1,
        metadata: p.nullableString(),
      })),
    }));
    const result = groupCoordinatorOf(ctx.broker).commitOffsets({
      groupId,
      generationId,
      memberId,
      groupInstanceId: null,
      topics,
    });
    return (w) => {
      if (version >= 3) w.int32(0);
      w.array(result.topics, (tw, t) => {
        tw.string(t.name);
        tw.array(t.partitions, (pw, p) => {
          pw.int32(p.partition);
          pw.int16(p.errorCode);
        });
      });
    };
  },
};
