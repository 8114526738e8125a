// Which of the dev stack's ports are already taken, and by what: `pnpm start` refuses in one line
// rather than starting services that cannot bind (or, worse, reading another stack's /readyz).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Whether something already listens on the port (services bind every address, as here). */
export function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Socket inodes listening on the port, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function commandLine(pid: string): string {
  try {
    const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // The interpreter's full path says little; its script says what it is.
    const shown =
      words.length > 1 && /(^|\/)node$/.test(words[0] ?? '') ? ['node', ...words.slice(1)] : words;
    return shown.join(' ').slice(0, 120);
  } catch {
    return '?';
  }
}

function ownerFromProc(port: number): string | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return `pid ${pid} (${commandLine(pid)})`;
    }
  }
  return undefined;
}

function ownerFromSs(port: number): string | undefined {
  const result = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(result.stdout);
  return match ? `pid ${match[2]} (${match[1]})` : undefined;
}

/** What listens on the port, as "pid 123 (node services/ingest/src/main.ts)", when that can be found. */
export function portOwner(port: number): string | undefined {
  return ownerFromProc(port) ?? ownerFromSs(port);
}

export interface NeededPort {
  port: number;
  /** Who needs it: "ingest", "discovery gRPC", "the Kafka broker". */
  purpose: string;
  /** The variable that moves it. */
  variable: string;
}

/** One line naming every needed port that is taken, or undefined when all are free. */
export async function takenPortsLine(needed: NeededPort[]): Promise<string | undefined> {
  const taken: string[] = [];
  for (const { port, purpose, variable } of needed) {
    if (!(await portTaken(port))) continue;
    const owner = portOwner(port);
    taken.push(
      `port ${port} (${purpose}) is taken${owner ? ` by ${owner}` : ''}; free it or set ${variable}`,
    );
  }
  if (taken.length === 0) return undefined;
  return `cannot start: ${taken.join('; ')}. Is another dev stack running? (\`pnpm stack:status\`)`;
}
