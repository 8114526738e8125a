import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createScreen, readableLogLine, renderStatus, type StackSnapshot } from './dev-terminal.ts';

const pinoLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: '2026-03-02T08:15:30.123Z', service: 'risk', pid: 42, hostname: 'h', ...fields });

describe('what the dev stack shows of a process line', () => {
  it('shows a warning readably, with the service name, its fields and the error', () => {
    const line = pinoLine({
      level: 'error',
      msg: 'handler failed',
      topic: 'huimin.feed.medical-expense',
      err: { type: 'PgLibError', message: 'connection terminated', stack: 'Error: …' },
    });
    expect(readableLogLine('risk', line)).toBe(
      '08:15:30 risk         ERROR handler failed topic=huimin.feed.medical-expense (PgLibError: connection terminated)',
    );
    expect(readableLogLine('ingest', pinoLine({ level: 'warn', msg: 'slow request' }))).toBe(
      '08:15:30 ingest       WARN  slow request',
    );
  });

  it('keeps info lines for the log file only, and passes lines that are not JSON through', () => {
    expect(readableLogLine('ingest', pinoLine({ level: 'info', msg: 'request completed' }))).toBeUndefined();
    expect(readableLogLine('ingest', pinoLine({ level: 30, msg: 'request completed' }))).toBeUndefined();
    expect(readableLogLine('simulator', '[  60.0s] live (12 claims) | sent 480')).toBe(
      'simulator    [  60.0s] live (12 claims) | sent 480',
    );
    // `pnpm logs` shows every level.
    expect(
      readableLogLine('ingest', pinoLine({ level: 'info', msg: 'request completed' }), undefined, 0),
    ).toBe('08:15:30 ingest       INFO  request completed');
  });
});

describe('the status block', () => {
  const base: StackSnapshot = {
    at: Date.parse('2026-03-02T08:15:30Z'),
    health: [
      { name: 'ingest', port: 8080, state: 'ready', detail: '' },
      { name: 'risk', port: 8082, state: 'down', detail: 'ECONNREFUSED' },
    ],
    kafka: {
      topics: [
        { topic: 'huimin.feed.medical-expense', records: 100 },
        { topic: 'huimin.risk.household', records: 0 },
      ],
      groups: [
        { group: 'risk', topic: 'huimin.feed.medical-expense', consumed: 90, behind: 10 },
        { group: 'eligibility', topic: 'huimin.feed.medical-expense', consumed: 100, behind: 0 },
      ],
      deadLetters: [
        { topic: 'huimin.feed.medical-expense.dlq', records: 0 },
        { topic: 'huimin.risk.household.dlq', records: 2 },
      ],
    },
    outboxes: [{ service: 'ingest', unsent: 3, oldestSeconds: 1 }],
    alerts: { opened: 7, active: 5 },
  };

  it('shows services, events in and out per topic with the lag of the slowest reader, alerts and dead letters', () => {
    const later: StackSnapshot = {
      ...base,
      at: base.at + 10_000,
      kafka: {
        ...(base.kafka as NonNullable<StackSnapshot['kafka']>),
        topics: [
          { topic: 'huimin.feed.medical-expense', records: 150 },
          { topic: 'huimin.risk.household', records: 0 },
        ],
        groups: [
          { group: 'risk', topic: 'huimin.feed.medical-expense', consumed: 130, behind: 20 },
          { group: 'eligibility', topic: 'huimin.feed.medical-expense', consumed: 150, behind: 0 },
        ],
      },
    };
    expect(renderStatus(later, base)).toEqual([
      '── status 08:15:40 ──  ingest ok  risk DOWN',
      '  topic                 events',
      '  feed.medical-expense  in 150 (+5.0/s)  out 130 (+4.0/s)  lag 20 (risk)',
      '  alerts opened 7 (5 active)   dead letters huimin.risk.household.dlq 2   outbox unsent 3',
    ]);
  });

  it('says what it could not read', () => {
    const { kafka: _kafka, ...withoutKafka } = base;
    expect(renderStatus({ ...withoutKafka, kafkaError: 'connect ECONNREFUSED' })).toContain(
      '  Kafka: connect ECONNREFUSED',
    );
  });

  it('redraws in place on a terminal and prints plain lines otherwise', () => {
    const written = (tty: boolean) => {
      let text = '';
      const out = new Writable({
        write(chunk, _encoding, done) {
          text += chunk.toString();
          done();
        },
      });
      const screen = createScreen(out, tty);
      screen.status(['status 1', 'line']);
      screen.line('ingest ready');
      screen.status(['status 2', 'line']);
      return text;
    };
    expect(written(false)).toBe('status 1\nline\ningest ready\nstatus 2\nline\n');
    const esc = String.fromCharCode(27);
    expect(written(true)).toBe(
      `status 1\nline\n${esc}[2F${esc}[Jingest ready\nstatus 1\nline\n${esc}[2F${esc}[Jstatus 2\nline\n`,
    );
  });
});
