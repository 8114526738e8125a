// `pnpm --filter @huimin/ingest run credentials <command>`: departments' API keys.
import { parseArgs } from 'node:util';
import { CredentialAdminError } from '../credential-admin.ts';
import { departmentCodes, departments } from '../domain/departments.ts';
import { openCli } from './cli-context.ts';

const usage = `Usage: credentials <command>
  create <department> [--label <text>]       issue an API key and signing secret (shown once)
  list                                        every key: department, state, expiry, signing
  rotate <department> [--grace <duration>]    issue a new key; the department's other keys stop
                                              after the grace period (default 24h; e.g. 30m, 12h, 7d)
  revoke <key id>                             stop a key at once
  signing <department> on|off                 require HMAC-signed requests from a department
  departments                                 the departments and the event types each may send
  reseal                                      re-seal every signing secret under INGEST_SECRETS_KEY
                                              (rotation: the old key in INGEST_SECRETS_KEY_PREVIOUS)
Departments: ${departmentCodes.join(', ')}
Env: DATABASE_URL, DATABASE_SCHEMA (default ingest), INGEST_SECRETS_KEY, INGEST_SECRETS_KEY_PREVIOUS.`;

// `pnpm run credentials -- list` forwards the `--` too.
const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values, positionals } = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    label: { type: 'string' },
    grace: { type: 'string', default: '24h' },
    help: { type: 'boolean', default: false },
  },
});
const [command, ...rest] = positionals;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

function duration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!match) fail(`--grace must look like 30m, 12h or 7d, got "${text}"`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

if (values.help || command === undefined) {
  process.stdout.write(`${usage}\n`);
  process.exit(command === undefined && !values.help ? 2 : 0);
}

if (command === 'departments') {
  for (const code of departmentCodes) {
    process.stdout.write(`${code} (${departments[code].name})\n`);
    for (const grant of departments[code].grants) {
      const only = (grant.restrict ?? []).map((r) => `${r.field} ∈ {${r.values.join(', ')}}`).join('; ');
      process.stdout.write(`  ${grant.type}${only ? `  [${only}]` : ''}\n`);
    }
  }
  process.exit(0);
}

const cli = await openCli();
try {
  switch (command) {
    case 'create': {
      const [department] = rest;
      if (!department) fail('create needs a department');
      const issued = await cli.admin.create(department, values.label ? { label: values.label } : {});
      process.stdout.write(
        [
          `department:     ${issued.department}`,
          `key id:         ${issued.keyId}`,
          `API key:        ${issued.apiKey}`,
          `signing secret: ${issued.signingSecret}`,
          '',
          'Both are shown this once: only the key hash and the sealed secret are stored.',
          'New keys are in use on every replica within CREDENTIAL_REFRESH_MS (5 s by default).',
          '',
        ].join('\n'),
      );
      break;
    }
    case 'list': {
      const rows = await cli.admin.list();
      const header = ['key id', 'department', 'state', 'expires', 'signing', 'created', 'label'];
      const table = rows.map((r) => [
        r.keyId,
        r.department,
        r.state,
        r.expiresAt?.toISOString() ?? '-',
        r.signingRequired ? 'on' : 'off',
        r.createdAt.toISOString(),
        r.label,
      ]);
      const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
      for (const row of [header, ...table]) {
        process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`);
      }
      break;
    }
    case 'rotate': {
      const [department] = rest;
      if (!department) fail('rotate needs a department');
      const { issued, expiring, until } = await cli.admin.rotate(
        department,
        duration(values.grace),
        values.label,
      );
      process.stdout.write(
        [
          `new key id:     ${issued.keyId}`,
          `API key:        ${issued.apiKey}`,
          `signing secret: ${issued.signingSecret}`,
          `old keys ${expiring.length > 0 ? expiring.join(', ') : '(none)'} stop working at ${until.toISOString()}`,
          '',
        ].join('\n'),
      );
      break;
    }
    case 'revoke': {
      const [keyId] = rest;
      if (!keyId) fail('revoke needs a key id');
      await cli.admin.revoke(keyId);
      process.stdout.write(`revoked ${keyId}; every replica refuses it within CREDENTIAL_REFRESH_MS\n`);
      break;
    }
    case 'reseal': {
      const { resealed, alreadyCurrent } = await cli.admin.reseal();
      process.stdout.write(
        [
          `re-sealed:       ${resealed}`,
          `already current: ${alreadyCurrent}`,
          'Every signing secret is now sealed under INGEST_SECRETS_KEY; INGEST_SECRETS_KEY_PREVIOUS can be removed.',
          '',
        ].join('\n'),
      );
      break;
    }
    case 'signing': {
      const [department, state] = rest;
      if (!department || (state !== 'on' && state !== 'off'))
        fail('signing needs a department and on or off');
      await cli.admin.setSigning(department, state === 'on');
      process.stdout.write(`signing ${state} for ${department}\n`);
      break;
    }
    default:
      fail(`unknown command "${command}"`);
  }
} catch (err: unknown) {
  if (!(err instanceof CredentialAdminError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await cli.close();
}
