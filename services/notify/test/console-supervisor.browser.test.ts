// The supervisor's side of the console, and opening an alert by hand, in a real headless Chromium
// against the whole platform as processes. A handler of 常胜社区 opens a P1 alert for a walk-in; the
// bureau has published an SLA version whose P1 acknowledgement clock is one hour (the shortest a
// version may set). The platform's wall clock then moves on 61 minutes (every service runs with
// e2e/moved-clock.ts preloaded), so discovery's own scheduler finds the clock run out and raises
// the breach, and notify pushes it to the town's supervisor: nothing about the breach is written by
// the test. The supervisor of 娄东街道 sees it highlighted first in the town view with the
// statistics (having put a second handler on the community's roster before), reassigns the alert
// to that handler (their open console gets it live) and records a leave with a delegate. Names, not
// user ids, throughout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../e2e/platform.ts';
import { defaultSlaPolicy, type SlaPolicy } from '../../discovery/src/domain/sla.ts';
import {
  artifacts,
  buildConsole,
  DESKTOP,
  launchChromium,
  movedClock,
  PASSWORD,
  PHONE,
  signIn,
  waitFor,
} from './console-browser.ts';

const CHANGSHENG = '320585001001';
const SECOND_HANDLER = { username: 'handler.changsheng.b', displayName: '常胜社区经办人乙' };
const HOUR = 3_600_000;

let platform: Platform;
let browser: Browser;
let consoleBuild: { dir: string; remove: () => void };
let scratch: string;
let clock: ReturnType<typeof movedClock>;
let base: string;
let secondHandlerId: string;

async function apiLogin(username: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${platform.url('identity')}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function asAdmin(url: string, method: string, body: unknown): Promise<Response> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${await apiLogin('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

beforeAll(async () => {
  consoleBuild = await buildConsole();
  scratch = mkdtempSync(join(tmpdir(), 'huimin-console-clock-'));
  clock = movedClock(scratch);
  platform = await startPlatform({
    name: 'console_supervisor',
    logLevel: 'warn',
    env: { ...clock.env, notify: { ...clock.env.notify, CONSOLE_DIR: consoleBuild.dir } },
  });
  base = platform.url('notify');

  // The bureau's admin does through the admin APIs what the console does not offer: a second
  // handler account for 常胜社区 (not yet on its roster), and an SLA version with a 1-hour P1 clock.
  const created = await asAdmin(`${platform.url('identity')}/v1/users`, 'POST', {
    ...SECOND_HANDLER,
    role: 'case-handler',
    jurisdictions: [CHANGSHENG],
    password: PASSWORD,
  });
  secondHandlerId = ((await created.json()) as { id: string }).id;
  const sla: SlaPolicy = {
    ...defaultSlaPolicy,
    priorities: {
      ...defaultSlaPolicy.priorities,
      P1: { acknowledgeHours: 1, visitHours: 2, clock: 'calendar' },
    },
  };
  await asAdmin(`${platform.url('discovery')}/v1/policies/sla`, 'PUT', {
    body: sla,
    note: 'browser test: the shortest P1 acknowledgement clock',
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  consoleBuild?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function context() {
  const c = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // A step that cannot happen fails with the locator it waited on, inside the test's own timeout.
  c.setDefaultTimeout(20_000);
  return c;
}

describe('the supervisor’s console in Chromium', { timeout: 150_000 }, () => {
  let handler: Page;
  let supervisor: Page;
  let second: Page;
  let alertId: string;

  it('a handler opens an alert by hand for a walk-in, and it is theirs by name', async () => {
    handler = await signIn(base, await context(), 'handler.changsheng');
    await handler.getByRole('link', { name: '新建预警' }).click();
    await handler.getByRole('heading', { name: '新建预警' }).waitFor();
    // The only community of this handler is chosen already.
    expect(await handler.getByLabel('社区').inputValue()).toBe(CHANGSHENG);
    await handler.getByLabel('来源').selectOption('walk-in');
    await handler.getByLabel('优先级').selectOption('P1');
    await handler.getByLabel('户编号（可选）').fill('HH-E2E-WALKIN-0001');
    // A mistyped resident ID is caught before anything is sent.
    await handler.getByLabel('身份证号（可选，无户编号时填写）').fill('110105194912310021');
    await handler.getByLabel('情况说明').fill('户主来访，突发重病住院，家中无其他收入。');
    await handler.getByRole('button', { name: '提交' }).click();
    await handler.getByText('身份证号校验位不正确，请核对').waitFor();
    await handler.getByLabel('身份证号（可选，无户编号时填写）').fill('');
    await handler.getByRole('button', { name: '提交' }).click();

    await handler.getByTestId('status').getByText('待确认').waitFor();
    alertId = /#\/alerts\/(ALR-[\d-]+)$/.exec(handler.url())?.[1] ?? '';
    expect(alertId).toMatch(/^ALR-\d{4}-\d{6,9}$/);
    expect(await handler.locator('.reasons').textContent()).toContain(
      '户主来访，突发重病住院，家中无其他收入。',
    );
    expect(await handler.locator('.detail-meta').textContent()).toContain('P1 紧急');
    // Routed by the roster to the only handler on it, shown by name.
    await handler.getByTestId('assignee').getByText('常胜社区经办人').waitFor();
    expect(await handler.locator('main').textContent()).not.toContain('u-handler-changsheng');
    expect(await handler.locator('.due.breached').count()).toBe(0);
  });

  it('the supervisor puts a second handler on the community’s roster', async () => {
    supervisor = await signIn(base, await context(), 'supervisor.loudong');
    await supervisor.getByRole('link', { name: '街道督导' }).click();
    await supervisor.getByRole('link', { name: '排班与请假 →' }).click();
    const roster = supervisor.getByRole('group', { name: '常胜社区' });
    const box = roster.getByLabel(SECOND_HANDLER.displayName);
    await box.waitFor();
    expect(await roster.getByLabel('常胜社区经办人', { exact: true }).isChecked()).toBe(true);
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await roster.getByRole('button', { name: '保存排班' }).click();
    await roster.getByText('已保存').waitFor();
    // What identity keeps, as a fresh page load shows it.
    await supervisor.reload();
    await roster.getByLabel(SECOND_HANDLER.displayName).waitFor();
    expect(await roster.getByLabel(SECOND_HANDLER.displayName).isChecked()).toBe(true);
    expect(await roster.getByLabel('常胜社区经办人', { exact: true }).isChecked()).toBe(true);
  });

  it('the supervisor sees the town with its statistics, and the breach highlighted when the hour runs out', async () => {
    await supervisor.getByRole('link', { name: '← 返回街道督导' }).click();
    const row = supervisor.locator(`tr[data-alert-id="${alertId}"]`);
    await row.waitFor();
    const stats = supervisor.getByRole('group', { name: '近30天统计' });
    const stat = (label: string) => stats.locator('.stat', { hasText: label }).locator('strong');
    expect(await stat('在办预警').textContent()).toBe('1');
    expect(await stat('在办且已超时').textContent()).toBe('0');
    expect(await row.getAttribute('class')).not.toContain('breached');
    expect(await row.textContent()).toContain('常胜社区经办人');
    const byCommunity = supervisor.locator('table.by-community tbody tr', { hasText: '常胜社区' });
    expect(await byCommunity.locator('td').allInnerTexts()).toEqual(['1', '0', '0', '0', '1']);

    clock.moveForward(HOUR + 60_000);

    // discovery's scheduler fires the breach; notify pushes it; the open page reloads the town.
    await supervisor.locator(`tr.breached[data-alert-id="${alertId}"]`).waitFor({ timeout: 30_000 });
    await stat('在办且已超时').getByText('1', { exact: true }).waitFor();
    expect(await stat('确认超时（近30天）').textContent()).toBe('1');
    expect(await row.locator('.badge.breach').textContent()).toBe('超时');
    // Breaches come first.
    expect(await supervisor.locator('table.town-alerts tbody tr').first().getAttribute('data-alert-id')).toBe(
      alertId,
    );
    await supervisor.screenshot({ path: join(artifacts, 'console-supervisor-town.png'), fullPage: true });

    // The handler's open page shows it too, on the acknowledgement deadline.
    await handler.locator('.due.breached', { hasText: '确认期限' }).getByText('已超时').waitFor();
    expect(await handler.locator('.history').textContent()).toContain('超时督办');
  });

  // discovery reuses identity's roster answers for ROSTER_CACHE_MS (15 s): the roster was edited
  // before the clock moved an hour on, so discovery knows the second handler by now.
  it('reassigns the breached alert to the second handler, whose open console gets it live', async () => {
    second = await signIn(base, await context(), SECOND_HANDLER.username);
    // The community's alerts are theirs to see, but none is assigned to them yet.
    await second.locator(`li.alert-row[data-alert-id="${alertId}"]`).waitFor();
    expect(await second.locator('li.alert-row .badge.new').count()).toBe(0);
    await second.getByLabel('只看分派给我的').check();
    await second.getByText('没有符合条件的预警').waitFor();
    expect(await second.title()).not.toMatch(/^\(\d+\)/);

    const row = supervisor.locator(`tr[data-alert-id="${alertId}"]`);
    await row.getByRole('button', { name: '转派' }).click();
    await row.getByLabel('转派给').waitFor();
    const options = await row.getByLabel('转派给').locator('option').allInnerTexts();
    // The current assignee is not offered; people are offered by name.
    expect(options).toEqual(['请选择', SECOND_HANDLER.displayName, '娄东街道督办（我）']);
    await row.getByLabel('转派给').selectOption({ label: SECOND_HANDLER.displayName });
    await row.getByRole('button', { name: '确认转派' }).click();
    await row.locator('td').nth(3).getByText(SECOND_HANDLER.displayName).waitFor();

    const arrived = second.locator(`li.alert-row[data-alert-id="${alertId}"]`);
    await arrived.waitFor({ timeout: 30_000 });
    expect(await arrived.textContent()).toContain('新');
    expect(await arrived.locator('.badge.breach').textContent()).toBe('超时');
    await waitFor('the title badge', async () => (await second.title()).startsWith('(1) '), 5000);
    await second.screenshot({ path: join(artifacts, 'console-reassigned-inbox.png'), fullPage: true });
    await arrived.locator('a').click();
    await second.getByTestId('assignee').getByText(SECOND_HANDLER.displayName).waitFor();
    // Who reassigned it: a handler may read their community's roster but not the town's staff
    // list, and the supervisor is on no roster, so the handler's console falls back to the id.
    const history = await second.locator('.history li', { hasText: '转派' }).textContent();
    expect(history).toContain('u-supervisor-loudong');
    // The supervisor's own console names them.
    await supervisor.locator(`tr[data-alert-id="${alertId}"] a`).click();
    const supervisorHistory = await supervisor.locator('.history li', { hasText: '转派' }).textContent();
    expect(supervisorHistory).toContain('娄东街道督办');
    await supervisor.getByTestId('assignee').getByText(SECOND_HANDLER.displayName).waitFor();
    const shown = await supervisor.locator('main').textContent();
    expect(shown).not.toMatch(/u-(handler|supervisor)-/);
    expect(shown).not.toContain(secondHandlerId);
    await supervisor.getByRole('link', { name: '街道督导' }).click();
  });

  it('records a leave with a delegate, shown by name', async () => {
    await supervisor.getByRole('link', { name: '排班与请假 →' }).click();
    await supervisor.getByText('目前没有请假。').waitFor();
    const form = supervisor.getByRole('form', { name: '登记请假' });
    await form.getByLabel('请假人').selectOption({ label: '常胜社区经办人' });
    await form.getByLabel('代班人').selectOption({ label: SECOND_HANDLER.displayName });
    await form.getByLabel('开始').fill('2031-03-02T08:30');
    await form.getByLabel('结束').fill('2031-03-06T17:30');
    await form.getByRole('button', { name: '登记' }).click();
    const leave = supervisor.locator('ul.leaves li', { hasText: '常胜社区经办人 请假' });
    await leave.waitFor();
    expect(await leave.textContent()).toContain(
      `常胜社区经办人 请假 2031/03/02 08:30 至 2031/03/06 17:30，由 ${SECOND_HANDLER.displayName} 代班`,
    );
    await supervisor.screenshot({ path: join(artifacts, 'console-supervisor-rosters.png'), fullPage: true });
    await supervisor.setViewportSize(PHONE);
    await supervisor.screenshot({ path: join(artifacts, 'console-phone-rosters.png'), fullPage: true });
  });
});
