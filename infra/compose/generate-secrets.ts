// The compose stack's secrets, generated at its first start into the `secrets` volume and kept
// across restarts (an existing file is never rewritten: the database's password and the keys that
// sealed data must stay the same). Run by the one-shot `secrets` container as root:
//   node generate-secrets.ts /run/huimin-secrets
// Services read them as <NAME>_FILE (libs/kit's loadConfig); Postgres as POSTGRES_PASSWORD_FILE,
// Grafana as GF_SECURITY_ADMIN_PASSWORD__FILE. docs/runbook.md lists each and how to rotate it.
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The services' unprivileged user in the image (`node`), and Grafana's. */
const SERVICE_UID = 1000;
const GRAFANA_UID = 472;

const base64url = (bytes: number) => () => randomBytes(bytes).toString('base64url');

export interface GeneratedSecret {
  file: string;
  /** Who reads it: the file is theirs, mode 0400. */
  owner: number;
  make: (dir: string) => string;
}

export const composeSecrets: GeneratedSecret[] = [
  { file: 'postgres-password', owner: SERVICE_UID, make: base64url(32) },
  {
    file: 'database-url',
    owner: SERVICE_UID,
    make: (dir) =>
      `postgres://huimin:${readFileSync(join(dir, 'postgres-password'), 'utf8').trim()}@postgres:5432/huimin`,
  },
  { file: 'ingest-secrets-key', owner: SERVICE_UID, make: () => randomBytes(32).toString('hex') },
  { file: 'signing-key-secret', owner: SERVICE_UID, make: base64url(48) },
  { file: 'receipt-link-secret', owner: SERVICE_UID, make: base64url(32) },
  { file: 'discovery-client-secret', owner: SERVICE_UID, make: base64url(32) },
  { file: 'charity-client-secret', owner: SERVICE_UID, make: base64url(32) },
  { file: 'assistance-client-secret', owner: SERVICE_UID, make: base64url(32) },
  { file: 'grafana-admin-password', owner: GRAFANA_UID, make: base64url(24) },
];

/** Writes every missing secret into `dir`; returns the files it created. */
export function generateSecrets(dir: string, options: { chown?: boolean } = {}): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const created: string[] = [];
  for (const secret of composeSecrets) {
    const path = join(dir, secret.file);
    if (existsSync(path)) continue;
    writeFileSync(path, `${secret.make(dir)}\n`, { mode: 0o400, flag: 'wx' });
    if (options.chown ?? process.getuid?.() === 0) chownSync(path, secret.owner, secret.owner);
    created.push(secret.file);
  }
  return created;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node generate-secrets.ts <directory>\n');
    process.exit(2);
  }
  const created = generateSecrets(dir);
  process.stdout.write(
    created.length > 0 ? `generated ${created.join(', ')}\n` : 'every secret is already there\n',
  );
}
