import { StartupError } from '@huimin/kit';

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);
// invalid_password, invalid_authorization_specification (no pg_hba.conf entry, unknown role)
const authFailures = new Set(['28P01', '28000']);

/**
 * One line on why Postgres refused a service's first connection and what to do, or undefined for
 * any other error. Huimin's services connect as the `postgres` role over TCP without a password
 * unless DATABASE_URL says otherwise, so that is what the line asks of the server.
 */
export function describePostgresRefusal(err: unknown, connectionString: string): string | undefined {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return undefined;
  }
  const where = `Postgres at ${url.host}`;
  const role = decodeURIComponent(url.username) || 'postgres';
  const database = decodeURIComponent(url.pathname.slice(1));
  if (typeof code === 'string' && unreachable.has(code)) {
    return `${where} is not reachable (${code}): start it, or point DATABASE_URL at a running server`;
  }
  // pg says this when the server asks for a password the URL does not carry.
  const wantsPassword = /client password must be a string|password authentication failed/i.test(text);
  if ((typeof code === 'string' && authFailures.has(code)) || wantsPassword) {
    return (
      `${where} refused the role "${role}" (${text}): the services connect as "${role}" over TCP ` +
      'without a password; allow it in pg_hba.conf (host all postgres 127.0.0.1/32 trust) or put the password in DATABASE_URL'
    );
  }
  if (code === '3D000') {
    return (
      `${where} has no database "${database}": create it (createdb -h ${url.hostname} -U ${role} ${database}) ` +
      'or run `pnpm start`, which creates it'
    );
  }
  return undefined;
}

/** The error to throw for a refused first connection: a StartupError with that line, else `err`. */
export function startupErrorFor(err: unknown, connectionString: string | undefined): unknown {
  const line = connectionString === undefined ? undefined : describePostgresRefusal(err, connectionString);
  return line === undefined ? err : new StartupError(line, { cause: err });
}
