// The 规划指标 page of the console in a real headless Chromium, against identity, notify and the
// scorecard as processes (the rest of the platform is not needed: the page reads the scorecard
// through notify's gateway). Two community charity funds are opened on charity's stream, so the
// computed card #11 has a value, a trend and towns; the bureau's admin records indicator #8 through
// the page's form and sees who recorded it; the bureau leader opens the page on a phone; a town
// supervisor sees only their own town's bar; a case handler has no such page.
import { join } from 'node:path';
import { FundOpened } from '@huimin/contracts';
import { createKafkaClient, createProducer, createPublisher } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../e2e/platform.ts';
import {
  artifacts,
  buildConsole,
  DESKTOP,
  launchChromium,
  PASSWORD,
  PHONE,
  signIn,
  waitFor,
} from './console-browser.ts';

let platform: Platform;
let browser: Browser;
let consoleBuild: { dir: string; remove: () => void };
let base: string;

/** This month and the one before, on the Shanghai calendar. */
const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const previousMonthFirst = (() => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
})();

async function token(username: string): Promise<string> {
  const res = await fetch(`${platform.url('identity')}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

beforeAll(async () => {
  consoleBuild = await buildConsole();
  platform = await startPlatform({
    name: 'console_scorecard',
    logLevel: 'warn',
    only: ['identity', 'notify', 'scorecard'],
    env: { notify: { CONSOLE_DIR: consoleBuild.dir } },
  });
  base = platform.url('notify');

  // Charity opens two community funds: one last month in 娄东, one this month in 陆渡.
  const kafka = createKafkaClient({
    brokers: platform.brokers,
    clientId: 'console-scorecard-test',
    logger: createLogger({ name: 'test', level: 'warn' }),
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const publisher = createPublisher({ producer });
  await publisher.publish(
    FundOpened,
    {
      fundId: 'fund-320585001001',
      name: '常胜社区慈善基金',
      kind: 'community-fund',
      jurisdictionCode: '320585001001',
      openedOn: previousMonthFirst,
    },
    { source: '/test' },
  );
  await publisher.publish(
    FundOpened,
    {
      fundId: 'fund-320585002001',
      name: '陆渡社区慈善基金',
      kind: 'community-fund',
      jurisdictionCode: '320585002001',
      openedOn: `${month}-01`,
    },
    { source: '/test' },
  );
  await producer.disconnect();
  const leader = await token('leader');
  await waitFor('the scorecard to count both funds', async () => {
    const res = await fetch(`${platform.url('scorecard')}/v1/scorecard?month=${month}`, {
      headers: { authorization: `Bearer ${leader}` },
    });
    const body = (await res.json()) as {
      indicators: { number: number; measures: { value: number | null }[] }[];
    };
    return body.indicators?.find((i) => i.number === 11)?.measures[0]?.value === 2;
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  consoleBuild?.remove();
});

async function open(username: string, viewport = DESKTOP): Promise<Page> {
  const c = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  c.setDefaultTimeout(20_000);
  return signIn(base, c, username);
}

const card = (page: Page, n: number) => page.locator(`li.plan-card[data-indicator="${n}"]`);

describe('the 规划指标 page in Chromium', { timeout: 120_000 }, () => {
  it('lets the bureau’s admin record a recorded indicator and shows who recorded it', async () => {
    const admin = await open('admin');
    await admin.getByRole('link', { name: '规划指标' }).click();
    await admin.getByRole('heading', { name: '规划指标' }).waitFor();
    await card(admin, 19).waitFor();
    expect(await admin.locator('li.plan-card').count()).toBe(19);
    const form = admin.getByRole('form', { name: '登记指标数据' });
    await form.getByLabel('指标').selectOption('8');
    await form.getByLabel('数据日期').fill(`${month}-01`);
    await form.getByLabel('数值').fill('5');
    await form.getByLabel('文件号').fill('太民发〔2026〕21号');
    await form.getByRole('button', { name: '登记' }).click();
    await form.getByText('已登记：第8项 5').waitFor();
    const eight = card(admin, 8);
    await eight.getByTestId('value').getByText('5', { exact: true }).waitFor();
    const fact = await eight.getByTestId('latest-fact').textContent();
    expect(fact).toContain('太民发〔2026〕21号');
    // Who recorded it, by name (an admin may read the users' names).
    expect(fact).toContain('民政局管理员');
    expect(fact).not.toContain('u-admin');
  });

  it('opens on the plan for the bureau leader, on a phone, with the trend and the towns drawn', async () => {
    const leader = await open('leader', PHONE);
    await leader.getByRole('heading', { name: '规划指标' }).waitFor();
    // No alert pages for a leader.
    expect(await leader.getByRole('link', { name: '我的预警' }).count()).toBe(0);
    const funds = card(leader, 11);
    await funds.scrollIntoViewIfNeeded();
    expect(await funds.getByTestId('value').textContent()).toBe('2');
    const trend = funds.getByTestId('trend-chart');
    // Last month one fund, this month two, against the plan's 9.
    expect(await trend.getAttribute('aria-label')).toContain(`${month} 2`);
    expect(await trend.getAttribute('aria-label')).toContain('目标 9');
    expect(await trend.locator('polyline.series').count()).toBe(1);
    expect(await trend.locator('circle.dot').count()).toBeGreaterThanOrEqual(2);
    const bars = funds.getByTestId('town-bars');
    expect(await bars.locator('rect.bar').count()).toBe(2);
    expect(await bars.getAttribute('aria-label')).toContain('娄东街道 1');
    expect(await bars.getAttribute('aria-label')).toContain('陆渡街道 1');
    // The page fits the phone: nothing wider than the screen.
    const overflow = await leader.evaluate(() => {
      const page = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return page.document.documentElement.scrollWidth - page.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // A leader reads only: no form to record facts.
    expect(await leader.getByRole('form', { name: '登记指标数据' }).count()).toBe(0);
    await funds.screenshot({ path: join(artifacts, 'console-plan-card-phone.png') });
    await leader.screenshot({ path: join(artifacts, 'console-plan-phone.png'), fullPage: true });
  });

  it('shows a town supervisor the county and only their own town', async () => {
    const supervisor = await open('supervisor.loudong');
    await supervisor.getByRole('link', { name: '规划指标' }).click();
    const funds = card(supervisor, 11);
    await funds.getByTestId('town-bars').waitFor();
    expect(await funds.getByTestId('value').textContent()).toBe('2');
    const label = await funds.getByTestId('town-bars').getAttribute('aria-label');
    expect(label).toContain('娄东街道 1');
    expect(label).not.toContain('陆渡街道');
    await supervisor.screenshot({ path: join(artifacts, 'console-plan-supervisor.png'), fullPage: true });
  });

  it('has no plan page for a case handler', async () => {
    const handler = await open('handler.changsheng');
    expect(await handler.getByRole('link', { name: '规划指标' }).count()).toBe(0);
    await handler.goto(`${base}/#/plan`);
    await handler.getByRole('heading', { name: '我的预警' }).waitFor();
    expect(await handler.getByRole('heading', { name: '规划指标' }).count()).toBe(0);
  });
});
