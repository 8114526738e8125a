import { cpus, totalmem } from 'node:os';

/** What every result file records about the machine it was measured on. */
export function machine() {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}
