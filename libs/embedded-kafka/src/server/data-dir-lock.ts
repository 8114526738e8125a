import fs from 'node:fs';
import path from 'node:path';

/** Data directories locked by brokers running in this process. */
const lockedHere = new Set<string>();

/**
 * Takes `<dataDir>/broker.lock` so two brokers never write one log. A lock left by a process
 * that no longer runs (kill -9) is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'broker.lock');
  if (lockedHere.has(dataDir))
    throw new Error(`data dir ${dataDir} is already used by a broker in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      lockedHere.add(dataDir);
      return () => {
        lockedHere.delete(dataDir);
        fs.rmSync(file, { force: true });
      };
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      // Our own pid with no broker of ours on it means a previous life of this pid (a container
      // restarted after kill -9): stale.
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(`data dir ${dataDir} is locked by running process ${owner}`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock data dir ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
