import type { FsyncPolicy, LogManager, TopicProblem } from '../log/log-manager.ts';
import type { BrokerServices, TopicInfo } from './api.ts';

/**
 * What the core API handlers (topics, produce, fetch, offsets) use of a running broker: the
 * public services plus write access to the log. Plug-in handlers see only `BrokerServices`.
 */
export interface CoreBroker {
  services: BrokerServices;
  log: LogManager;
  fsync: FsyncPolicy;
  /** Aborted when the broker starts closing, so long-polling fetches answer at once. */
  closing: AbortSignal;
  /**
   * The topic, creating it with the default partition count when it does not exist and
   * auto-creation is on; a problem (unknown topic, illegal name) otherwise.
   */
  resolveTopic(name: string, allowAutoCreate: boolean): TopicInfo | TopicProblem;
}
