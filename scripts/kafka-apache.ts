// `pnpm kafka:apache [--brokers 3] [--port 19092] [--fresh]`: Apache Kafka itself (the pinned
// version of infra/kafka/pom.xml, from Maven Central), N combined broker+controller KRaft nodes on
// loopback, each with its data dir and log under .data/apache-kafka/cluster-<N>/. Prints the
// bootstrap list once every broker is registered with the controller quorum; Ctrl-C stops it.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApacheKafkaCluster, checkJavaAndMaven } from '@huimin/testkit/apache-kafka';
import { root } from './stack.ts';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: '1' },
    port: { type: 'string', default: '19092' },
    fresh: { type: 'boolean', default: false },
  },
});
const brokers = Number(values.brokers);
const basePort = Number(values.port);
if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
  console.error('--brokers must be 1 to 9');
  process.exit(2);
}
const tools = checkJavaAndMaven();
if (!tools.ok) {
  console.error(tools.hint);
  process.exit(1);
}

const dir = join(root, '.data', 'apache-kafka', `cluster-${brokers}`);
const cluster = ApacheKafkaCluster.create({ dir, brokers, basePort, fresh: values.fresh, log: console.log });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping Apache Kafka…');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const started = Date.now();
console.log(`starting Apache Kafka ${cluster.version}: ${brokers} node(s), logs in ${dir}/node-*/kafka.log`);
try {
  await cluster.start();
} catch (err) {
  console.error(String(err));
  await cluster.stop();
  process.exit(1);
}
console.log(
  `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: controller quorum up, brokers ${cluster.nodes.map((n) => n.id).join(', ')} registered`,
);
console.log(`KAFKA_BROKERS=${cluster.bootstrap}`);
// Watch the nodes: one that dies is reported (the others keep running until Ctrl-C).
const reported = new Set<number>();
setInterval(() => {
  for (const node of cluster.nodes)
    if (!cluster.running(node.id) && !reported.has(node.id) && !stopping) {
      reported.add(node.id);
      console.error(`node ${node.id} exited; see ${cluster.logFile(node.id)}`);
    }
}, 1000);
