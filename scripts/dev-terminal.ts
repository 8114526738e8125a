// The dev stack's terminal: lines that scroll (state changes, warnings and errors of any service in
// a readable form) above a status block that refreshes in place. Piped output (CI, a file) gets
// the same lines and the status block as plain lines now and then — no cursor movement.
import type { AlertCounts, GroupLag, KafkaState, OutboxBacklog, ServiceHealth } from './stack-state.ts';

const levels: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const WARN = 40;
const ERROR = 50;
const labels: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
// Fields every line carries; the rest are what the line is about.
const plumbing = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'service',
  'msg',
  'traceId',
  'spanId',
  'v',
  'err',
  // what the kafkajs log adapter adds to every line
  'timestamp',
  'logger',
  'component',
]);

export type Paint = (code: number, text: string) => string;

export const noPaint: Paint = (_code, text) => text;

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * What the terminal shows for one line a process wrote: a warning or error of a JSON log (pino) as
 * `HH:MM:SS service  WARN  message key=value … (error message)`; JSON lines below `minLevel` not at
 * all (they are in the service's log file); a line that is not JSON as it is (stack traces, tools' progress).
 */
export function readableLogLine(
  source: string,
  line: string,
  paint: Paint = noPaint,
  minLevel = WARN,
): string | undefined {
  if (line.trim() === '') return undefined;
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a log line');
    entry = parsed as Record<string, unknown>;
  } catch {
    return `${paint(2, source.padEnd(12))} ${line}`;
  }
  const level = typeof entry.level === 'number' ? entry.level : (levels[String(entry.level)] ?? 30);
  if (level < minLevel) return undefined;
  const time =
    typeof entry.time === 'string' ? entry.time.slice(11, 19) : new Date().toISOString().slice(11, 19);
  const label = (labels[level] ?? String(entry.level)).toUpperCase().padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !plumbing.has(key))
    .map(([key, value]) => `${key}=${short(value)}`);
  const err = entry.err as { message?: unknown; type?: unknown } | undefined;
  const reason =
    err && typeof err.message === 'string'
      ? ` (${err.type ? `${String(err.type)}: ` : ''}${err.message})`
      : '';
  const text = [String(entry.msg ?? ''), ...fields].filter(Boolean).join(' ');
  return `${time} ${source.padEnd(12)} ${paint(level >= ERROR ? 31 : 33, label)} ${text}${reason}`;
}

export interface StackSnapshot {
  at: number;
  health: ServiceHealth[];
  kafka?: KafkaState | undefined;
  kafkaError?: string | undefined;
  outboxes?: OutboxBacklog[] | undefined;
  alerts?: AlertCounts | undefined;
  postgresError?: string | undefined;
}

function rate(now: number, before: number | undefined, seconds: number): string {
  if (before === undefined || seconds <= 0) return '';
  const perSecond = (now - before) / seconds;
  return perSecond > 0 ? ` (+${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s)` : '';
}

/**
 * The status block: services, then per topic the records in (written) and out (consumed by the
 * slowest group reading it) with the lag behind, alerts opened, dead letters and the outbox backlog.
 * With the previous snapshot, rates per second.
 */
export function renderStatus(now: StackSnapshot, before?: StackSnapshot, paint: Paint = noPaint): string[] {
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  const lines: string[] = [];
  const services = now.health
    .map((h) =>
      h.state === 'ready'
        ? paint(32, `${h.name} ok`)
        : paint(31, `${h.name} ${h.state === 'down' ? 'DOWN' : 'NOT READY'}`),
    )
    .join('  ');
  lines.push(`── status ${new Date(now.at).toISOString().slice(11, 19)} ──  ${services}`);
  if (now.kafka) {
    const byTopic = new Map<string, GroupLag[]>();
    for (const g of now.kafka.groups) byTopic.set(g.topic, [...(byTopic.get(g.topic) ?? []), g]);
    const earlier = new Map(before?.kafka?.topics.map((t) => [t.topic, t.records]));
    const earlierOut = new Map<string, number>();
    for (const g of before?.kafka?.groups ?? []) earlierOut.set(`${g.group} ${g.topic}`, g.consumed);
    const rows = now.kafka.topics
      .filter((t) => t.records > 0 || byTopic.has(t.topic))
      .map((t) => {
        const groups = byTopic.get(t.topic) ?? [];
        // The slowest reader is what a developer waits for.
        const slowest = groups.reduce<GroupLag | undefined>(
          (a, g) => (a && a.behind >= g.behind ? a : g),
          undefined,
        );
        const out = slowest
          ? `out ${slowest.consumed}${rate(slowest.consumed, earlierOut.get(`${slowest.group} ${slowest.topic}`), seconds)}`
          : 'out -';
        const lag = slowest ? `lag ${slowest.behind}${groups.length > 1 ? ` (${slowest.group})` : ''}` : '';
        return [
          t.topic.replace(/^huimin\./, ''),
          `in ${t.records}${rate(t.records, earlier.get(t.topic), seconds)}`,
          out,
          lag,
        ];
      });
    const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
    lines.push(rows.length === 0 ? '  no events yet' : `  ${'topic'.padEnd(widths[0] ?? 0)}  events`);
    for (const row of rows) {
      const behind = Number(/lag (\d+)/.exec(row[3] ?? '')?.[1] ?? 0);
      lines.push(
        `  ${row
          .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : behind > 0 ? paint(33, cell) : cell))
          .join('  ')
          .trimEnd()}`,
      );
    }
    const dead = now.kafka.deadLetters.filter((d) => d.records > 0);
    const deadText =
      dead.length === 0
        ? 'dead letters 0'
        : paint(31, `dead letters ${dead.map((d) => `${d.topic} ${d.records}`).join(', ')}`);
    const alerts = now.alerts
      ? `alerts opened ${now.alerts.opened} (${now.alerts.active} active)`
      : 'alerts opened -';
    const unsent = (now.outboxes ?? []).reduce((sum, o) => sum + o.unsent, 0);
    lines.push(`  ${alerts}   ${deadText}   outbox unsent ${unsent}`);
  } else {
    lines.push(`  Kafka: ${now.kafkaError ?? 'not read yet'}`);
  }
  if (now.postgresError) lines.push(`  Postgres: ${now.postgresError}`);
  return lines;
}

export interface Screen {
  /** A line that scrolls (and stays). */
  line(text: string): void;
  /** Replaces the status block (redrawn in place on a terminal, printed as lines otherwise). */
  status(lines: string[]): void;
  /** Leaves the block where it is; later writes go below it. */
  close(): void;
}

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** A line cut to the terminal's width, so the block's height in rows is its number of lines. */
function fitToWidth(line: string, columns: number | undefined): string {
  if (!columns) return line;
  const plain = line.replace(ansi, '');
  return plain.length <= columns ? line : `${plain.slice(0, Math.max(0, columns - 1))}…`;
}

export function createScreen(out: NodeJS.WritableStream & { columns?: number }, tty: boolean): Screen {
  let block: string[] = [];
  let drawn = 0;
  const erase = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (block.length === 0) return;
    out.write(`${block.join('\n')}\n`);
    drawn = block.length;
  };
  return {
    line(text) {
      if (!tty) {
        out.write(`${text}\n`);
        return;
      }
      erase();
      out.write(`${text}\n`);
      draw();
    },
    status(lines) {
      if (!tty) {
        out.write(`${lines.join('\n')}\n`);
        return;
      }
      erase();
      block = lines.map((line) => fitToWidth(line, out.columns));
      draw();
    },
    close() {
      block = [];
      drawn = 0;
    },
  };
}
