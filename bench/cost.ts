// What an event costs, as numbers every bench reports the same way: Postgres statements and rows
// written per event, and CPU-seconds per 1,000 events for each process.
//
//   const probe = await startCostProbe({ databaseUrl, schemas: [schema], processes: { ingest: pid } });
//   … the measured phase …
//   const cost = await probe.stop(eventsInThePhase);
//
// Rows written come from pg_stat_user_tables of the bench's own schemas (exact: nobody else writes
// there). Statements come from pg_stat_statements when the server preloads it; otherwise the
// report says so and gives the statistics views' proxies: index and sequential scans started on the
// schemas' tables (one per table a statement reads or changes through an index or a scan; not
// inserts), and commits, which are database-wide and so include whatever else runs on the database.
// CPU is utime + stime from /proc/<pid>/stat; Postgres and Redis are the sum over every process of
// that name, so other work on a shared machine shows up in them.
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';

export interface CostProbeOptions {
  databaseUrl: string;
  /** The schemas whose tables the measured processes write (the bench's scratch schemas). */
  schemas: readonly string[];
  /** Processes to charge CPU to, by name: a pid, or 'self' for the driver (this process). */
  processes: Record<string, number | 'self'>;
  /** Also charge every `postgres` and `redis-server` process on the machine (default true). */
  servers?: boolean;
}

interface TableCounts {
  inserted: number;
  updated: number;
  deleted: number;
  scans: number;
}

interface Snapshot {
  at: number;
  tables: Map<string, TableCounts>;
  commits: number;
  statements: number | null;
  cpu: Record<string, number>;
}

export interface CostReport {
  events: number;
  seconds: number;
  postgres: {
    /** Statements per event from pg_stat_statements; null when the server does not load it. */
    statementsPerEvent: number | null;
    statementsSource: string;
    rowsWrittenPerEvent: number;
    /** Per table of the schemas: rows inserted, updated, deleted per event. */
    rowsWrittenPerEventByTable: Record<string, { inserted: number; updated: number; deleted: number }>;
    /** Index and sequential scans started on the schemas' tables, per event. */
    tableScansPerEvent: number;
    /** Commits per event, database-wide (other work on the database included). */
    commitsPerEventDatabaseWide: number;
  };
  /** null: unknown (a machine-wide sum that lost processes ending during the phase). */
  cpuSecondsPer1000Events: Record<string, number | null>;
  /** Load average (1, 5, 15 min) when the phase ended: how busy the machine was otherwise. */
  loadAverage: number[];
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU-seconds a process has used so far (utime + stime; the kernel's clock ticks are 1/100 s). */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU-seconds of every process with this command name. */
export async function cpuSecondsOf(command: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() === command)
        total += await cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export async function loadAverage(): Promise<number[]> {
  try {
    return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

export async function startCostProbe(options: CostProbeOptions) {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  let statementsSource = 'pg_stat_statements';
  let haveStatements = false;
  // Created only if it works (the server must preload it): otherwise the database is left as it was.
  try {
    await client.query('begin');
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select 1 from pg_stat_statements limit 1');
    await client.query('commit');
    haveStatements = true;
  } catch (err: unknown) {
    await client.query('rollback');
    statementsSource = `unavailable (${(err as Error).message}); see tableScansPerEvent and commitsPerEventDatabaseWide`;
  }

  async function cpu(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(options.processes)) {
      if (pid === 'self') {
        const usage = process.cpuUsage();
        out[name] = (usage.user + usage.system) / 1e6;
      } else out[name] = await cpuSeconds(pid);
    }
    if (options.servers !== false) {
      out['postgres (every process, machine-wide)'] = await cpuSecondsOf('postgres');
      out['redis (machine-wide)'] = await cpuSecondsOf('redis-server');
    }
    return out;
  }

  async function counts(): Promise<Omit<Snapshot, 'at' | 'cpu'>> {
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{
      name: string;
      ins: string;
      upd: string;
      del: string;
      scans: string;
    }>(
      `select schemaname || '.' || relname as name, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del,
              coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as scans
         from pg_stat_user_tables where schemaname = any($1::text[])`,
      [options.schemas],
    );
    const tables = new Map<string, TableCounts>();
    for (const r of rows) {
      tables.set(r.name, {
        inserted: Number(r.ins),
        updated: Number(r.upd),
        deleted: Number(r.del),
        scans: Number(r.scans),
      });
    }
    const { rows: db } = await client.query<{ commits: string }>(
      'select xact_commit as commits from pg_stat_database where datname = current_database()',
    );
    let statements: number | null = null;
    if (haveStatements) {
      const { rows: s } = await client.query<{ calls: string }>(
        `select coalesce(sum(calls), 0) as calls from pg_stat_statements
          where dbid = (select oid from pg_database where datname = current_database())`,
      );
      statements = Number(s[0]?.calls ?? 0);
    }
    return { tables, commits: Number(db[0]?.commits ?? 0), statements };
  }

  /**
   * Backends report their counters at most once a second, and an idle one within ten seconds
   * (PGSTAT_IDLE_INTERVAL): read after that, then until two reads a second apart agree.
   */
  async function settledCounts(): Promise<Omit<Snapshot, 'at' | 'cpu'>> {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    let last = await counts();
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const next = await counts();
      const same = [...next.tables].every(([name, c]) => {
        const p = last.tables.get(name);
        return p && p.inserted === c.inserted && p.updated === c.updated && p.deleted === c.deleted;
      });
      last = next;
      if (same) break;
    }
    return last;
  }

  const before: Snapshot = { at: performance.now(), cpu: await cpu(), ...(await counts()) };

  return {
    /** Ends the phase: the cost of `events` events since the probe started. */
    async stop(events: number): Promise<CostReport> {
      const at = performance.now();
      const cpuAfter = await cpu();
      const load = await loadAverage();
      const after = await settledCounts();
      await client.end();
      const per = (value: number) => (events > 0 ? value / events : 0);
      const byTable: CostReport['postgres']['rowsWrittenPerEventByTable'] = {};
      let rows = 0;
      let scans = 0;
      for (const [name, c] of after.tables) {
        const b = before.tables.get(name) ?? { inserted: 0, updated: 0, deleted: 0, scans: 0 };
        const d = {
          inserted: c.inserted - b.inserted,
          updated: c.updated - b.updated,
          deleted: c.deleted - b.deleted,
        };
        scans += c.scans - b.scans;
        const written = d.inserted + d.updated + d.deleted;
        rows += written;
        if (written > 0) {
          byTable[name] = {
            inserted: round(per(d.inserted)),
            updated: round(per(d.updated)),
            deleted: round(per(d.deleted)),
          };
        }
      }
      const cpuPer1000: Record<string, number | null> = {};
      for (const [name, seconds] of Object.entries(cpuAfter)) {
        const used = seconds - (before.cpu[name] ?? 0);
        // A machine-wide sum loses the processes that ended during the phase: below zero, unknown.
        cpuPer1000[name] = used < 0 ? null : round(per(used) * 1000, 3);
      }
      return {
        events,
        seconds: round((at - before.at) / 1000, 1),
        postgres: {
          statementsPerEvent:
            after.statements === null || before.statements === null
              ? null
              : round(per(after.statements - before.statements)),
          statementsSource,
          rowsWrittenPerEvent: round(per(rows)),
          rowsWrittenPerEventByTable: byTable,
          tableScansPerEvent: round(per(scans)),
          commitsPerEventDatabaseWide: round(per(after.commits - before.commits)),
        },
        cpuSecondsPer1000Events: cpuPer1000,
        loadAverage: load,
      };
    },
  };
}

/** Two lines for a bench's console output. */
export function describeCost(label: string, cost: CostReport): string {
  const pgPart = cost.postgres;
  const cpu = Object.entries(cost.cpuSecondsPer1000Events)
    .map(([name, s]) => `${name} ${s}`)
    .join(', ');
  return (
    `  ${label}: Postgres ${pgPart.statementsPerEvent ?? 'n/a'} statements, ${pgPart.rowsWrittenPerEvent} rows written, ` +
    `${pgPart.tableScansPerEvent} table scans, ${pgPart.commitsPerEventDatabaseWide} commits (database-wide) per event\n` +
    `  ${label}: CPU-seconds per 1,000 events: ${cpu} (load average ${cost.loadAverage.join(' ')})\n`
  );
}
