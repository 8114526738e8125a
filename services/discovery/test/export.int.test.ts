import { randomUUID } from 'node:crypto';
import { RiskFlagged } from '@huimin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CHANGSHENG, type Harness, riskFlag, startHarness } from './harness.ts';

// The CSV export of a whole county is streamed a page (500 alerts) at a time, never built whole
// in memory: chunked, with every row of every page, newest first.

let h: Harness;
let baseUrl: string;
const COPIES = 1_100;

beforeAll(async () => {
  h = await startHarness('discovery_export');
  const householdId = `HH-${randomUUID().slice(0, 8)}`;
  await h.handled(await h.publish(RiskFlagged, riskFlag(householdId, 'catastrophic', CHANGSHENG)));
  // More closed alerts of the community than two pages hold, copied from the one just opened.
  await h.env.pool.query(
    `insert into alerts (id, subject_key, household_id, resident_id, type, title, priority, origin,
       community_code, town_code, assignee_user_id, on_behalf_of, status, outcome, dismiss_reason, reasons,
       source_event_ids, rules_version, sla_version, raised_at, acknowledge_due_at, visit_due_at,
       acknowledged_at, visit_started_at, closed_at, acknowledge_breached_at, visit_breached_at, updated_at)
     select 'ALR-2025-' || lpad(n::text, 6, '0'), 'HH-copy-' || n, 'HH-copy-' || n, null, type, title, priority,
       origin, community_code, town_code, assignee_user_id, null, 'resolved', 'no-need', null, reasons,
       source_event_ids, rules_version, sla_version, raised_at - n * interval '1 minute', acknowledge_due_at,
       visit_due_at, null, null, raised_at, null, null, updated_at
       from alerts, generate_series(1, $1) as n
      where household_id = $2`,
    [COPIES, householdId],
  );
  await h.app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = h.app.server.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 90_000);

afterAll(async () => {
  await h?.close();
});

describe('the CSV export', () => {
  it('is streamed in chunks, every row of every page, newest first', async () => {
    const res = await fetch(`${baseUrl}/v1/alerts/export.csv`, {
      headers: bearer(await h.token('supervisor.loudong')),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    // Kept whole (fetch's text() would drop the BOM spreadsheet programs need).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\ufeff编号,类型')).toBe(true);
    const ids = text
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(ids).toHaveLength(COPIES + 1);
    expect(new Set(ids).size).toBe(COPIES + 1);
    expect(ids.slice(1, 4)).toEqual(['ALR-2025-000001', 'ALR-2025-000002', 'ALR-2025-000003']);
    expect(ids.at(-1)).toBe(`ALR-2025-00${COPIES}`);
  });
});
