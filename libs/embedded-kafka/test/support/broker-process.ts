import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.ts');

/** The broker as a separate process, through its CLI, for kill -9 tests. */
export interface BrokerProcess {
  brokers: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  output(): string;
}

export async function startBrokerProcess(
  dataDir: string,
  port: number,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<BrokerProcess> {
  const child = spawn(
    process.execPath,
    [CLI, '--port', String(port), '--data-dir', dataDir, '--log-level', 'info', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INIT_CWD: '', ...env } },
  );
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('embedded kafka listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then((code) => reject(new Error(`broker process exited (${code}) before listening:\n${output}`)));
  });
  return { brokers: `127.0.0.1:${port}`, child, exited, output: () => output };
}

/** A port that was free a moment ago (the broker is restarted on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
