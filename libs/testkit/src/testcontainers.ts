// The Testcontainers path: a real Apache Kafka in Docker, for machines with a Docker engine
// (TESTCONTAINERS=1). Our CI machines have none, so this path is not exercised here and its
// package is not a dependency: install `@testcontainers/kafka` where you use it.
export async function startKafkaContainer(): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const moduleName = '@testcontainers/kafka';
  let mod: {
    KafkaContainer: new (image: string) => { withKraft(): unknown; start(): Promise<StartedKafka> };
  };
  try {
    mod = (await import(moduleName)) as typeof mod;
  } catch {
    throw new Error(
      'TESTCONTAINERS=1 needs the @testcontainers/kafka package and a Docker engine; ' +
        'install it (pnpm add -D @testcontainers/kafka) or unset TESTCONTAINERS to use the embedded broker',
    );
  }
  const container = new mod.KafkaContainer('confluentinc/cp-kafka:7.9.0');
  (container.withKraft as () => unknown).call(container);
  const started = await container.start();
  return {
    brokers: `${started.getHost()}:${started.getMappedPort(9093)}`,
    stop: async () => {
      await started.stop();
    },
  };
}

interface StartedKafka {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
