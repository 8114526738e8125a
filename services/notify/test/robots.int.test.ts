import { AlertClosed, AlertOpened, AlertSlaBreached, syntheticResidentId } from '@huimin/contracts';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyLogger } from '../src/logger.ts';
import { type FakeRobotServer, startFakeRobots } from './fake-robot.ts';
import { CHANGSHENG, FUNAN, type Harness, LOUDONG, opened, type Replica, startHarness } from './harness.ts';

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
const admin = { userId: 'u-admin', role: 'bureau-admin' as const, jurisdictions: ['320585'] };
const handler = {
  userId: 'u-handler-changsheng',
  role: 'case-handler' as const,
  jurisdictions: [CHANGSHENG],
};

const WECOM_KEY = 'wecom-key-7f3a9c2e';
const DING_TOKEN = 'ding-token-51b0e6d4';
const DING_SECRET = 'SEC0a1b2c3d4e5f60718293a4b5c6d7e8f9';

interface MessageView {
  robotId: string;
  kind: string;
  title: string;
  markdown: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

describe('group robots', () => {
  let h: Harness;
  let replica: Replica;
  let fake: FakeRobotServer;
  const lines: string[] = [];
  let supToken: string;

  const api = async (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${replica.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  };
  const messages = async (): Promise<MessageView[]> =>
    (await api(`/v1/communities/${CHANGSHENG}/robot-messages?limit=500`, supToken)).json.messages;
  const aboutAlert = (all: MessageView[], alertId: string) => all.filter((m) => m.markdown.includes(alertId));

  beforeAll(async () => {
    h = await startHarness('robots');
    fake = await startFakeRobots({ [DING_TOKEN]: DING_SECRET });
    replica = await h.replica({
      logger: createNotifyLogger({
        level: 'info',
        destination: { write: (line: string) => lines.push(line) },
      }),
    });
    supToken = await h.token(supervisor);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it('registers a community’s robots for its town’s supervisor or an admin, never showing keys or secrets', async () => {
    const wecom = await api(`/v1/communities/${CHANGSHENG}/robots`, supToken, {
      method: 'POST',
      body: {
        platform: 'wecom',
        webhookUrl: `${fake.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
        label: '常胜社区工作群',
      },
    });
    expect(wecom.status).toBe(201);
    expect(wecom.json).toMatchObject({
      platform: 'wecom',
      communityName: '常胜社区',
      signed: false,
      createdBy: supervisor.userId,
    });
    const ding = await api(`/v1/communities/${CHANGSHENG}/robots`, await h.token(admin), {
      method: 'POST',
      body: {
        platform: 'dingtalk',
        webhookUrl: `${fake.base}/robot/send?access_token=${DING_TOKEN}`,
        secret: DING_SECRET,
      },
    });
    expect(ding.status).toBe(201);
    expect(ding.json.signed).toBe(true);

    const list = await api(`/v1/communities/${CHANGSHENG}/robots`, supToken);
    expect(list.json.robots).toHaveLength(2);
    for (const text of [wecom.text, ding.text, list.text]) {
      expect(text).not.toContain(WECOM_KEY);
      expect(text).not.toContain(DING_TOKEN);
      expect(text).not.toContain(DING_SECRET);
    }

    const body = { platform: 'wecom', webhookUrl: `${fake.base}/cgi-bin/webhook/send?key=x1234567` };
    const post = async (token: string, code = CHANGSHENG, b: unknown = body) =>
      api(`/v1/communities/${code}/robots`, token, { method: 'POST', body: b });
    expect((await post(await h.token(handler))).status).toBe(403);
    expect((await post(await h.token(otherSupervisor))).status).toBe(403);
    expect((await post(supToken, '320585001999')).json.code).toBe('COMMUNITY_NOT_FOUND');
    const elsewhere = await post(supToken, CHANGSHENG, {
      platform: 'wecom',
      webhookUrl: 'https://robots.example.com/cgi-bin/webhook/send?key=x1234567',
    });
    expect([elsewhere.status, elsewhere.json.code]).toEqual([422, 'WEBHOOK_HOST_NOT_ALLOWED']);
    const wecomWithSecret = await post(supToken, CHANGSHENG, { ...body, secret: 'SEC123456789' });
    expect(wecomWithSecret.json.code).toBe('INVALID_WEBHOOK');
  });

  it('posts a new alert to each robot of its community in the platform’s format, in Chinese, without personal data', async () => {
    const residentId = syntheticResidentId({ birthDate: '1948-05-06', sex: 'male', seq: 3 });
    await h.publish(AlertOpened, opened(600, { communityCode: FUNAN, assignee: 'u-handler-funan' }));
    await h.publish(AlertOpened, opened(601, { residentId }));
    await waitUntil(async () => fake.received.length >= 2, 'both robots posted');
    expect(fake.rejected).toEqual([]);
    const wecom = fake.received.find((m) => m.platform === 'wecom');
    const ding = fake.received.find((m) => m.platform === 'dingtalk');
    expect(wecom?.robotKey).toBe(WECOM_KEY);
    expect(ding?.title).toBe('新预警：因病致贫风险');
    for (const text of [wecom?.text, ding?.text]) {
      expect(text).toBe(
        [
          '### 【新预警】因病致贫风险',
          '> 优先级：**P1 紧急**',
          '> 社区：常胜社区（娄东街道）',
          '> 预警编号：ALR-2026-000601',
          '> 签收时限：2026-03-03 12:00',
          '> 入户核实时限：2026-03-04 10:00',
          '',
          '[在工作台查看](https://console.huimin.test/alerts/ALR-2026-000601)',
        ].join('\n'),
      );
      expect(text).not.toContain(residentId);
    }
    // 府南's alert went to no robot of 常胜.
    expect(fake.received.some((m) => m.text.includes('ALR-2026-000600'))).toBe(false);
    // notify records a delivery after the robot answered: wait for the record, not for the post.
    await waitUntil(
      async () => (await messages()).filter((m) => m.status !== 'pending').length >= 2,
      'both deliveries recorded',
    );
    const log = await messages();
    expect(log.map((m) => [m.kind, m.status, m.attempts])).toEqual([
      ['alert', 'delivered', 1],
      ['alert', 'delivered', 1],
    ]);
  });

  it('tells the group when an alert is escalated', async () => {
    const alert = opened(602);
    await h.publish(AlertOpened, alert);
    await h.publish(AlertSlaBreached, {
      alertId: alert.alertId,
      communityCode: CHANGSHENG,
      townCode: LOUDONG,
      assigneeUserId: handler.userId,
      priority: 'P1',
      clock: 'visit',
      dueAt: alert.visitDueAt,
      escalatedTo: { role: 'town-supervisor', townCode: LOUDONG, userIds: [supervisor.userId] },
      escalatedAt: '2026-03-04T02:00:06.000Z',
    });
    await waitUntil(
      async () => fake.received.filter((m) => m.text.includes('超时督办')).length === 2,
      'escalation posted',
    );
    const escalation = fake.received.find((m) => m.platform === 'wecom' && m.text.includes('超时督办'));
    expect(escalation?.text).toContain('> 入户核实已超时，已上报街道（镇）督导');
    expect(escalation?.text).toContain('> 入户核实时限：2026-03-04 10:00');
  });

  /** The settled robot messages this replica counted, by outcome. */
  async function settled(outcome: 'delivered' | 'gave-up'): Promise<number> {
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    const pattern = new RegExp(
      `huimin_notify_robot_deliveries_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`,
      'g',
    );
    return [...metrics.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  it('retries a failing webhook with backoff until it is delivered, counting the failures', async () => {
    const deliveredBefore = await settled('delivered');
    fake.failNext(2, 'errcode');
    await h.publish(AlertOpened, opened(603));
    await waitUntil(async () => {
      const these = aboutAlert(await messages(), 'ALR-2026-000603');
      return these.length === 2 && these.every((m) => m.status === 'delivered');
    }, 'delivered after retries');
    const these = aboutAlert(await messages(), 'ALR-2026-000603');
    expect(these.reduce((sum, m) => sum + m.attempts, 0)).toBe(4);
    expect(fake.received.filter((m) => m.text.includes('ALR-2026-000603'))).toHaveLength(2);
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    const retries = [
      ...metrics.matchAll(/huimin_notify_robot_failures_total\{[^}]*outcome="retry"[^}]*\} (\d+)/g),
    ];
    expect(retries.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(2);
    expect((await settled('delivered')) - deliveredBefore).toBe(2);
  });

  it('gives up after the attempt limit, and says so in the delivery log', async () => {
    const before = fake.requests;
    fake.failNext(1000, 'http-500');
    await h.publish(AlertOpened, opened(604));
    await waitUntil(async () => {
      const these = aboutAlert(await messages(), 'ALR-2026-000604');
      return these.length === 2 && these.every((m) => m.status === 'given-up');
    }, 'given up');
    fake.failNext(0);
    const these = aboutAlert(await messages(), 'ALR-2026-000604');
    expect(these.map((m) => [m.attempts, m.lastError])).toEqual([
      [3, 'HTTP 500'],
      [3, 'HTTP 500'],
    ]);
    expect(fake.requests - before).toBe(6);
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    const gaveUp = [
      ...metrics.matchAll(/huimin_notify_robot_failures_total\{[^}]*outcome="gave-up"[^}]*\} (\d+)/g),
    ];
    expect(gaveUp.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(2);
    expect(await settled('gave-up')).toBe(2);
  });

  it('sends each community a daily digest of its open and overdue alerts', async () => {
    // 601–604 are open and long overdue; one more is open but not yet due; 602 gets closed.
    await h.publish(AlertOpened, {
      ...opened(605, { priority: 'P3' }),
      acknowledgeDueAt: '2099-01-01T00:00:00.000Z',
      visitDueAt: '2099-01-02T00:00:00.000Z',
    });
    await h.logged(
      await h.publish(AlertClosed, {
        alertId: 'ALR-2026-000602',
        communityCode: CHANGSHENG,
        townCode: LOUDONG,
        assigneeUserId: handler.userId,
        outcome: 'referred',
        by: handler.userId,
        resolvedAt: '2026-03-05T00:00:00.000Z',
      }),
    );
    // The digest falls due (the clock reaches the configured time).
    const { rows } = await h.env.pool.query<{ key: string }>(
      `update scheduled_jobs set run_after = now(), due_at = now() where kind = 'robot-digest' and done_at is null returning key`,
    );
    expect(rows).toHaveLength(1);
    const date = rows[0]?.key;
    await waitUntil(
      async () => fake.received.filter((m) => m.text.includes('每日预警汇总')).length === 2,
      'digest posted',
    );
    const digest = fake.received.find((m) => m.platform === 'wecom' && m.text.includes('每日预警汇总'));
    expect(digest?.text).toBe(
      [
        `### 【每日预警汇总】常胜社区 ${date}`,
        '> 未办结预警：**4** 件',
        '> 其中已超时：**3** 件',
        '> 按优先级：P1 紧急 3 件，P3 中 1 件',
        '',
        '[打开工作台](https://console.huimin.test/)',
      ].join('\n'),
    );
    // The next day's digest is armed.
    const next = await h.env.pool.query(
      `select key from scheduled_jobs where kind = 'robot-digest' and done_at is null`,
    );
    expect(next.rows.map((r) => r.key)).toHaveLength(1);
    expect(next.rows[0].key > String(date)).toBe(true);
  });

  it('a restart between attempts neither loses nor repeats a message', async () => {
    await replica.close();
    const first = await h.replica({ env: { ROBOT_BACKOFF_MS: '3000' } });
    const before = fake.received.length;
    fake.failNext(1, 'http-500');
    await h.publish(AlertOpened, opened(606));
    await waitUntil(
      async () => fake.requests >= 0 && fake.received.length === before + 1,
      'one robot got it, one failed',
    );
    await first.close(); // the retry is scheduled in Postgres, 3 s out
    replica = await h.replica();
    await waitUntil(
      async () => fake.received.length === before + 2,
      'the retry delivered by the new replica',
    );
    // The record of a delivery follows the robot's answer.
    await waitUntil(async () => {
      const these = aboutAlert(await messages(), 'ALR-2026-000606');
      return these.length === 2 && these.every((m) => m.status !== 'pending');
    }, 'both deliveries recorded');
    const these = aboutAlert(await messages(), 'ALR-2026-000606');
    expect(these.map((m) => m.status)).toEqual(['delivered', 'delivered']);
    expect(these.map((m) => m.attempts).sort()).toEqual([1, 2]);
    expect(fake.received.filter((m) => m.text.includes('ALR-2026-000606'))).toHaveLength(2);
  }, 90_000);

  it('never logs a webhook key or a signing secret', () => {
    const all = lines.join('');
    expect(all).toContain('robot message delivered');
    for (const secret of [WECOM_KEY, DING_TOKEN, DING_SECRET]) expect(all).not.toContain(secret);
  });
});
