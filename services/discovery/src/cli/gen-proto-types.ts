// `pnpm --filter @huimin/discovery gen:proto` writes src/grpc/generated from the proto;
// `check:proto` (and the unit test beside proto-types.ts) fails when the committed copy drifted.
import { runProtoTypesCli } from '@huimin/grpc';
import { discoveryProtoTypes } from '../grpc/proto-types.ts';

runProtoTypesCli(discoveryProtoTypes, process.argv);
