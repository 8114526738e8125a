import {
  AlertAssigned,
  AlertCauseWithdrawn,
  AlertClosed,
  AlertNoteAdded,
  AlertOpened,
  AlertSlaBreached,
  syntheticResidentId,
} from '@huimin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANGSHENG,
  connect,
  FUNAN,
  type Harness,
  LOUDONG,
  opened,
  openSse,
  openWs,
  startHarness,
} from './harness.ts';

const handler = {
  userId: 'u-handler-changsheng',
  role: 'case-handler' as const,
  jurisdictions: [CHANGSHENG],
};
const colleague = {
  userId: 'u-handler-changsheng-2',
  role: 'case-handler' as const,
  jurisdictions: [CHANGSHENG],
};
const funanHandler = { userId: 'u-handler-funan', role: 'case-handler' as const, jurisdictions: [FUNAN] };
const supervisor = {
  userId: 'u-supervisor-loudong',
  role: 'town-supervisor' as const,
  jurisdictions: [LOUDONG],
};
const otherSupervisor = {
  userId: 'u-supervisor-ludu',
  role: 'town-supervisor' as const,
  jurisdictions: ['320585002'],
};

describe('notify streams', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness('streams');
    url = (await h.replica()).url;
  });
  afterAll(async () => h?.close());

  it('pushes a new alert to both tabs of its assignee, over SSE and WebSocket, and to nobody else', async () => {
    const tab1 = await connect(url, { token: await h.token(handler) });
    const tab2 = await connect(url, { token: await h.token(handler), tokenInQuery: true });
    const ws = await openWs(url, await h.token(handler));
    await ws.waitFor((m) => m.some((x) => x.type === 'ready'), 'ws ready');
    const coHandler = await connect(url, { token: await h.token(colleague) });
    const funan = await connect(url, { token: await h.token(funanHandler) });

    await h.publish(AlertOpened, opened(1));
    for (const tab of [tab1, tab2])
      await tab.waitFor((e) => e.some((x) => x.event === 'alert'), 'alert in tab');
    await ws.waitFor((m) => m.some((x) => x.type === 'alert'), 'alert over websocket');

    const [notice] = tab1.alerts();
    expect(notice).toMatchObject({
      event: 'AlertOpened',
      alertId: 'ALR-2026-000001',
      communityCode: CHANGSHENG,
      communityName: '常胜社区',
      townName: '娄东街道',
      title: '因病致贫风险',
      priority: 'P1',
      householdId: 'HH-00000001',
      subject: 'household',
    });
    expect(tab2.alerts()).toEqual(tab1.alerts());
    const wsAlert = ws.messages.find((m) => m.type === 'alert');
    expect(wsAlert?.data).toEqual(notice);
    expect(String(wsAlert?.id)).toBe(tab1.events.find((e) => e.event === 'alert')?.id);

    // A second alert, in 府南: its handler receives it. Sessions of one replica are written in one
    // pass per event, so once 府南's handler has it, anyone else who would get it has it too.
    await h.publish(AlertOpened, opened(2, { communityCode: FUNAN, assignee: funanHandler.userId }));
    await funan.waitFor((e) => e.some((x) => x.event === 'alert'), 'funan alert');
    expect(funan.alerts().map((a) => a.alertId)).toEqual(['ALR-2026-000002']);
    expect(tab1.alerts().map((a) => a.alertId)).toEqual(['ALR-2026-000001']);
    expect(coHandler.alerts()).toEqual([]);
    for (const c of [tab1, tab2, coHandler, funan]) c.close();
    ws.close();
  });

  it('never sends a resident ID: an alert about a person says only that it is one', async () => {
    const tab = await connect(url, { token: await h.token(handler) });
    const residentId = syntheticResidentId({ birthDate: '1950-01-02', sex: 'female', seq: 7 });
    await h.publish(AlertOpened, opened(3, { residentId }));
    await tab.waitFor((e) => e.some((x) => x.event === 'alert'), 'alert');
    expect(tab.alerts()[0]).toMatchObject({ alertId: 'ALR-2026-000003', subject: 'person' });
    expect(JSON.stringify(tab.events)).not.toContain(residentId);
    const { rows } = await h.env.pool.query('select notice::text from delivery_log');
    expect(rows.map((r) => r.notice).join()).not.toContain(residentId);
    tab.close();
  });

  it('holds at most five streams per person: a sixth ends their oldest, the others keep receiving', async () => {
    const person = { userId: 'u-many-tabs', role: 'case-handler' as const, jurisdictions: [CHANGSHENG] };
    const tabs = [];
    for (let i = 0; i < 5; i++) tabs.push(await connect(url, { token: await h.token(person) }));
    const ws = await openWs(url, await h.token(person));
    await ws.waitFor((m) => m.some((x) => x.type === 'ready'), 'ws ready');
    await tabs[0]?.ended;
    expect(tabs[0]?.events.at(-1)).toMatchObject({
      event: 'superseded',
      data: { reason: 'TOO_MANY_STREAMS' },
    });
    const alert = opened(901, { assignee: person.userId });
    await h.publish(AlertOpened, alert);
    for (const tab of tabs.slice(1))
      await tab.waitFor((events) => events.some((e) => e.event === 'alert'), 'the alert on a later tab');
    await ws.waitFor((m) => m.some((x) => x.type === 'alert'), 'the alert on the websocket');
    expect(tabs[0]?.alerts()).toEqual([]);
    for (const tab of tabs) tab.close();
    ws.close();
  });

  it('refuses a stream without a valid person token', async () => {
    expect((await openSse(url, {})).status).toBe(401);
    expect((await openSse(url, { token: 'not-a-jwt' })).status).toBe(401);
    expect((await openSse(url, { token: await h.issuer.serviceToken('discovery') })).status).toBe(401);
    await expect(openWs(url, 'not-a-jwt')).rejects.toThrow();
  });

  it('ends the stream with token-expired when the access token expires', async () => {
    const sse = await connect(url, { token: await h.token(handler, 2) });
    const ws = await openWs(url, await h.token(handler, 2));
    await sse.ended;
    expect(sse.events.at(-1)).toMatchObject({ event: 'token-expired', data: { reason: 'EXPIRED_TOKEN' } });
    await ws.closed;
    expect(ws.messages.at(-1)).toMatchObject({ type: 'token-expired' });
  });

  it('escalations reach the town’s supervisors, and later events of the alert too', async () => {
    const sup = await connect(url, { token: await h.token(supervisor) });
    const otherSup = await connect(url, { token: await h.token(otherSupervisor) });
    const funan = await connect(url, { token: await h.token(funanHandler) });
    const assignee = await connect(url, { token: await h.token(handler) });
    const alert = opened(10);
    await h.publish(AlertOpened, alert);
    const routing = {
      alertId: alert.alertId,
      communityCode: alert.communityCode,
      townCode: alert.townCode,
      assigneeUserId: handler.userId,
    };
    await h.publish(AlertNoteAdded, {
      ...routing,
      noteId: 'N-1',
      attachments: 0,
      by: handler.userId,
      addedAt: '2026-03-03T03:00:00.000Z',
    });
    await h.publish(AlertSlaBreached, {
      ...routing,
      priority: 'P1',
      clock: 'acknowledge',
      dueAt: alert.acknowledgeDueAt,
      escalatedTo: { role: 'town-supervisor', townCode: LOUDONG, userIds: [supervisor.userId] },
      escalatedAt: '2026-03-03T04:00:06.000Z',
    });
    await h.publish(AlertClosed, {
      ...routing,
      outcome: 'no-need',
      by: handler.userId,
      resolvedAt: '2026-03-03T05:00:00.000Z',
    });
    await assignee.waitFor(
      (e) => e.filter((x) => x.event === 'alert').length === 4,
      'four events for the assignee',
    );
    await sup.waitFor((e) => e.filter((x) => x.event === 'alert').length === 2, 'escalation and closing');
    expect(sup.alerts().map((a) => a.event)).toEqual(['AlertSlaBreached', 'AlertClosed']);
    expect(sup.alerts()[0]).toMatchObject({ title: '因病致贫风险', clock: 'acknowledge' });
    expect(otherSup.alerts()).toEqual([]);
    expect(funan.alerts()).toEqual([]);
    for (const c of [sup, otherSup, funan, assignee]) c.close();
  });

  it('a withdrawn cause reaches the assignee with what changed; a closing one closes notify’s copy too', async () => {
    const assignee = await connect(url, { token: await h.token(handler) });
    for (const [n, closed] of [
      [11, false],
      [12, true],
    ] as const) {
      const alert = opened(n);
      await h.publish(AlertOpened, alert);
      await h.publish(AlertCauseWithdrawn, {
        alertId: alert.alertId,
        communityCode: alert.communityCode,
        townCode: alert.townCode,
        assigneeUserId: handler.userId,
        withdrawn: [
          { code: 'OOP_OVER_WATCH_SHARE', summary: '近12个月自付医疗费用 4,500 元，超过 10% 关注标准' },
        ],
        summary: `医疗支出风险已解除（医疗费用单据已冲销，2026-03-05）${closed ? '，预警原因已全部撤销，自动关闭' : ''}`,
        closed,
        ...(closed ? { outcome: 'cause-withdrawn' as const } : {}),
        by: 'system',
        withdrawnAt: '2026-03-05T02:00:00.000Z',
      });
    }
    await assignee.waitFor(
      (e) =>
        e.filter((x) => (x.data as { event?: string } | undefined)?.event === 'AlertCauseWithdrawn')
          .length === 2,
      'both withdrawals',
    );
    // Two alerts, two keys: no order between them.
    const withdrawn = assignee
      .alerts()
      .filter((a) => a.event === 'AlertCauseWithdrawn')
      .sort((a, b) => a.alertId.localeCompare(b.alertId));
    expect(withdrawn.map((a) => [a.alertId, a.closed, a.summary])).toEqual([
      [opened(11).alertId, false, '医疗支出风险已解除（医疗费用单据已冲销，2026-03-05）'],
      [
        opened(12).alertId,
        true,
        '医疗支出风险已解除（医疗费用单据已冲销，2026-03-05），预警原因已全部撤销，自动关闭',
      ],
    ]);
    const { rows } = await h.env.pool.query<{ alert_id: string; status: string }>(
      'select alert_id, status from alerts where alert_id = any($1) order by alert_id',
      [[opened(11).alertId, opened(12).alertId]],
    );
    expect(rows.map((r) => r.status)).toEqual(['open', 'closed']);
    assignee.close();
  });

  it('a delegate standing in for an absent handler receives the absent one’s alerts while their token covers the community', async () => {
    const delegate = {
      userId: 'u-handler-funan-delegate',
      role: 'case-handler' as const,
      jurisdictions: [FUNAN, CHANGSHENG],
    };
    const delegateWithoutCover = { ...delegate, jurisdictions: [FUNAN] };
    const covered = await connect(url, { token: await h.token(delegate) });
    const notCovered = await connect(url, { token: await h.token(delegateWithoutCover) });
    const first = opened(20, { assignee: delegate.userId });
    // Discovery routes a new alert to the delegate on the absent handler's behalf…
    await h.publish(AlertAssigned, {
      alertId: first.alertId,
      communityCode: CHANGSHENG,
      townCode: LOUDONG,
      assigneeUserId: delegate.userId,
      onBehalfOf: handler.userId,
      reason: 'routed',
      by: 'system',
      assignedAt: '2026-03-03T02:00:00.000Z',
    });
    // …and an older alert of the absent handler breaches its SLA: the delegate hears of it too.
    const older = opened(21);
    await h.publish(AlertNoteAdded, {
      alertId: older.alertId,
      communityCode: CHANGSHENG,
      townCode: LOUDONG,
      assigneeUserId: handler.userId,
      noteId: 'N-2',
      attachments: 0,
      by: 'u-supervisor-loudong',
      addedAt: '2026-03-03T03:00:00.000Z',
    });
    await covered.waitFor((e) => e.filter((x) => x.event === 'alert').length === 2, 'both for the delegate');
    expect(covered.alerts().map((a) => a.alertId)).toEqual([first.alertId, older.alertId]);
    // The same person with a token that no longer covers 常胜 (leave over) gets nothing from there.
    expect(notCovered.alerts()).toEqual([]);
    covered.close();
    notCovered.close();
  });
});
