// The case-handler console end to end, in a real headless Chromium (Debian's, never a download),
// against the whole platform as separate processes: a handler logs in; claims posted through ingest
// make risk flag a household of the handler's community; the alert appears in the open page
// without a reload; the handler acknowledges it, adds a note and resolves it; a handler of another
// town sees nothing of it; resident IDs show masked. Screenshots at desktop and phone size go to
// e2e/artifacts/.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type HouseholdRegistered,
  type MedicalExpenseRecorded,
  type MemberIncomeReported,
  syntheticResidentId,
} from '@huimin/contracts';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../e2e/platform.ts';
import { createHttpIngestClient, devCredentials } from '../../../tools/simulator/src/index.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = join(repo, 'e2e', 'artifacts');
const PASSWORD = 'huimin-demo-2026';
const CHANGSHENG = '320585001001';
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let platform: Platform;
let browser: Browser;
let consoleDir: string;
let base: string;

const householdId = 'HH-E2E-CONSOLE-0001';
// Three members earning 2,000 yuan a month each: 72,000 yuan a year.
const members = [
  syntheticResidentId({ seq: 401, birthDate: '1968-04-12', sex: 'male' }),
  syntheticResidentId({ seq: 402, birthDate: '1970-09-30', sex: 'female' }),
  syntheticResidentId({ seq: 403, birthDate: '1996-01-15', sex: 'male' }),
];

const shanghaiDate = (daysAgo: number) =>
  new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium)`);
  mkdirSync(artifacts, { recursive: true });
  consoleDir = mkdtempSync(join(tmpdir(), 'huimin-console-'));
  await build({
    configFile: join(repo, 'services', 'notify', 'console', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: consoleDir, emptyOutDir: true },
  });
  platform = await startPlatform({
    name: 'console',
    logLevel: 'warn',
    env: { notify: { CONSOLE_DIR: consoleDir } },
  });
  base = platform.url('notify');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
});

/** Whatever the console's pages tried that its Content-Security-Policy refused. */
const cspViolations: string[] = [];

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(base);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('connection').getByText('实时').waitFor({ timeout: 20_000 });
  return page;
}

async function postThroughIngest(): Promise<void> {
  const ingest = createHttpIngestClient({ baseUrl: platform.url('ingest'), credentials: devCredentials() });
  const registered: HouseholdRegistered = {
    householdId,
    businessDate: shanghaiDate(60),
    townCode: '320585001',
    communityCode: CHANGSHENG,
    address: { text: '娄东街道常胜社区测试路1号', lng: 121.13, lat: 31.45 },
    members: members.map((residentId, i) => ({
      residentId,
      name: ['测甲', '测乙', '测丙'][i] ?? '测试',
      relationToHead: i === 0 ? 'head' : i === 1 ? 'spouse' : 'child',
      birthDate: ['1968-04-12', '1970-09-30', '1996-01-15'][i] ?? '1970-01-01',
      sex: i === 1 ? 'female' : 'male',
      hukouLocal: true,
      workAbility: 'full',
      inInstitution: false,
    })),
    legalSupporters: [],
  };
  await ingest.sendOne({
    id: 'console-e2e-household',
    type: 'huimin.feed.household.registered.v1',
    department: 'household-registry',
    payload: registered,
  });
  for (const [i, residentId] of members.entries()) {
    const income: MemberIncomeReported = {
      householdId,
      residentId,
      businessDate: shanghaiDate(60),
      incomes: [{ type: 'wage', monthlyFen: 200_000 }],
    };
    await ingest.sendOne({
      id: `console-e2e-income-${i}`,
      type: 'huimin.feed.member-income.reported.v1',
      department: 'human-resources',
      payload: income,
    });
  }
  // Risk must know the household and its incomes before the claim, or it would only park it.
  const risk = platform.pool('risk');
  await waitFor('risk to know the household and its incomes', async () => {
    const { rows } = await risk.query<{ n: number }>(
      'select count(*)::int as n from member_incomes where household_id = $1',
      [householdId],
    );
    return rows[0]?.n === 3;
  });
  // 30,000 yuan of care, 11,000 paid by insurance: 19,000 out of pocket, 26.4% of 72,000.
  const claim: MedicalExpenseRecorded = {
    claimId: 'YB-E2E-CONSOLE-1',
    patientResidentId: members[0] ?? '',
    businessDate: shanghaiDate(5),
    dateOfCare: shanghaiDate(12),
    totalCostFen: 3_000_000,
    insurancePaidFen: 1_100_000,
    medicalAssistancePaidFen: 0,
    inpatient: true,
    diagnosisCategory: 'heart-disease',
  };
  await ingest.sendOne({
    id: 'console-e2e-claim-1',
    type: 'huimin.feed.medical-expense.recorded.v1',
    department: 'medical-insurance-bureau',
    payload: claim,
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const masked = /^\d{4}\*{10}[\dX]{4}$/;

describe('the case-handler console in Chromium', { timeout: 150_000 }, () => {
  let handler: Page;
  let ludu: Page;
  let alertId: string;

  it('a handler signs in and the alert for a household of their community arrives live, without a reload', async () => {
    const handlerContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    handler = await signIn(handlerContext, 'handler.changsheng');
    await handler.getByText('没有符合条件的预警').waitFor();
    ludu = await signIn(await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' }), 'handler.ludu');
    await ludu.getByText('没有符合条件的预警').waitFor();
    // A mark on the window: a reload would wipe it.
    await handler.evaluate(() => {
      (globalThis as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
    });

    await postThroughIngest();

    const row = handler.locator('li.alert-row').filter({ hasText: '因病致贫风险' });
    await row.waitFor({ timeout: 60_000 });
    alertId = (await row.getAttribute('data-alert-id')) ?? '';
    expect(alertId).toMatch(/^ALR-\d{4}-\d{6,9}$/);
    expect(await row.textContent()).toContain('新');
    expect(
      await handler.evaluate(
        () => (globalThis as unknown as { stillTheSamePage?: boolean }).stillTheSamePage,
      ),
    ).toBe(true);
    await waitFor('the title badge', async () => (await handler.title()).startsWith('(1) '), 5000);
    await handler.screenshot({ path: join(artifacts, 'console-desktop-inbox.png'), fullPage: true });
  });

  it('shows the reasons in plain Chinese and the resident IDs masked', async () => {
    await handler.locator(`li[data-alert-id="${alertId}"] a`).click();
    await handler.getByRole('heading', { name: /因病致贫风险/ }).waitFor();
    const reasons = await handler.locator('.reasons').textContent();
    expect(reasons).toContain('近12个月自付医疗费用 19,000 元，占家庭年收入 26.4%，超过 25% 标准');
    expect(await handler.title()).not.toMatch(/^\(\d+\)/);

    await handler.getByRole('button', { name: '查看家庭信息' }).click();
    const ids = handler.locator('.household .resident-id');
    await ids.first().waitFor();
    const shown = await ids.allInnerTexts();
    expect(shown).toHaveLength(3);
    for (const id of shown) expect(id).toMatch(masked);
    const html = await handler.content();
    for (const id of members) expect(html).not.toContain(id);
  });

  it('acknowledges, adds a note and resolves, each change shown on the page and in the household panel', async () => {
    // The household panel opened above lists this alert, and follows each change made here.
    const inHousehold = handler.locator('.household li', { hasText: alertId });
    await inHousehold.getByText('待确认').waitFor();
    await handler.getByRole('button', { name: '确认接收' }).click();
    await handler.getByTestId('status').getByText('已确认').waitFor();
    await inHousehold.getByText('已确认').waitFor();

    // The medical insurance bureau reverses the claim: risk clears the household and discovery
    // withdraws the alert's cause. Acknowledged, the alert stays with its handler, and the page
    // says what changed above everything else, the reasons struck through.
    const ingest = createHttpIngestClient({ baseUrl: platform.url('ingest'), credentials: devCredentials() });
    await ingest.sendOne({
      id: 'console-e2e-reversal-1',
      type: 'huimin.feed.medical-expense.reversed.v1',
      department: 'medical-insurance-bureau',
      payload: {
        claimId: 'YB-E2E-CONSOLE-1',
        patientResidentId: members[0] ?? '',
        businessDate: shanghaiDate(1),
        reason: 'withdrawn-by-source',
      },
    });
    await handler
      .getByTestId('cause-withdrawn')
      .getByText('医疗支出风险已解除（医疗费用单据已冲销', { exact: false })
      .waitFor({ timeout: 60_000 });
    expect(await handler.locator('.reasons li.withdrawn').count()).toBeGreaterThan(0);
    await handler.locator('.history li.cause-withdrawn').getByText('预警原因已撤销').waitFor();
    await handler.getByTestId('status').getByText('已确认').waitFor();

    await handler.getByRole('button', { name: '添加走访记录' }).click();
    await handler
      .getByRole('textbox', { name: '走访记录' })
      .fill('已入户走访，户主住院治疗中，家属同意申请救助。');
    await handler.getByRole('button', { name: '保存记录' }).click();
    await handler.locator('.notes').getByText('已入户走访，户主住院治疗中').waitFor();
    // The author and the assignee by name, as the handler's community roster gives them.
    await handler.locator('.notes').getByText('常胜社区经办人 ·', { exact: false }).waitFor();
    expect(await handler.getByTestId('assignee').textContent()).toBe('常胜社区经办人');
    expect(await handler.locator('main').textContent()).not.toContain('u-handler-changsheng');

    await handler.getByRole('button', { name: '办结' }).click();
    await handler.getByLabel('办结结果').selectOption('enrolled');
    await handler.getByRole('button', { name: '确认办结' }).click();
    await handler.getByTestId('status').getByText('已办结').waitFor();
    await inHousehold.getByText('已办结').waitFor();
    expect(await inHousehold.textContent()).not.toContain('已确认');
    expect(await handler.getByText('办结结果：已纳入救助').count()).toBe(1);
    const history = await handler.locator('.history').textContent();
    for (const step of ['生成预警', '确认接收', '添加走访记录', '办结']) expect(history).toContain(step);
    await handler.screenshot({ path: join(artifacts, 'console-desktop-detail.png'), fullPage: true });

    await handler.setViewportSize(PHONE);
    await handler.screenshot({ path: join(artifacts, 'console-phone-detail.png'), fullPage: true });
    await handler.goto(`${base}/#/`);
    await handler.getByLabel('状态').selectOption('all');
    await handler.locator(`li[data-alert-id="${alertId}"]`).waitFor();
    await handler.screenshot({ path: join(artifacts, 'console-phone-inbox.png'), fullPage: true });
    // Nothing is wider than the phone's screen.
    expect(
      await handler.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
            .documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(PHONE.width);
  });

  it('a handler of another town sees nothing of it, live or asked for', async () => {
    expect(await ludu.getByText('没有符合条件的预警').count()).toBe(1);
    await ludu.getByLabel('状态').selectOption('all');
    await ludu.getByText('没有符合条件的预警').waitFor();
    expect(await ludu.content()).not.toContain(alertId);
    expect(await ludu.title()).not.toMatch(/^\(\d+\)/);
    await ludu.goto(`${base}/#/alerts/${alertId}`);
    await ludu.getByText('找不到该预警，或不在您的辖区内').waitFor();
  });

  it('refreshes an expired access token, and sends the person back to the login when the session is over', async () => {
    const forge = (which: string[]) =>
      handler.evaluate((keys) => {
        const session = JSON.parse(sessionStorage.getItem('huimin.console.session') ?? '{}');
        for (const k of keys) session[k] = `${session[k]}x`;
        sessionStorage.setItem('huimin.console.session', JSON.stringify(session));
      }, which);
    // A fresh page load (the query string differs) with an access token identity will refuse.
    await forge(['accessToken']);
    await handler.goto(`${base}/?expired=1#/alerts/${alertId}`);
    await handler.getByRole('heading', { name: /因病致贫风险/ }).waitFor();
    expect(await handler.getByText('登录已过期').count()).toBe(0);
    await forge(['accessToken', 'refreshToken']);
    await handler.goto(`${base}/?expired=2#/alerts/${alertId}`);
    await handler.getByText('登录已过期，请重新登录').waitFor();
    await handler.getByLabel('用户名').waitFor();
  });

  it('shows the stream reconnecting when the network is lost, and live again when it returns', async () => {
    const context = ludu.context();
    await ludu.goto(`${base}/#/`);
    await ludu.getByTestId('connection').getByText('实时').waitFor();
    await context.setOffline(true);
    await ludu.getByTestId('connection').getByText('网络已断开，恢复后自动重连').waitFor();
    await context.setOffline(false);
    await ludu.getByTestId('connection').getByText('实时').waitFor({ timeout: 20_000 });
  });

  it('serves the console under a Content-Security-Policy its own pages never break, and injected markup cannot run script', async () => {
    const page = await fetch(`${base}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // Everything the tests above did — sign in, live stream, notes, household panel — ran under it.
    expect(cspViolations).toEqual([]);
    const ran = await handler.evaluate(async () => {
      const w = globalThis as unknown as {
        document: { body: { insertAdjacentHTML(where: string, html: string): void } };
        injected?: boolean;
      };
      w.document.body.insertAdjacentHTML(
        'beforeend',
        '<img src="/nowhere.png" onerror="window.injected = true">',
      );
      await new Promise((r) => setTimeout(r, 500));
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await waitFor('the refusal reported', async () => cspViolations.length > 0);
  });

  it('forwards only the console’s calls to discovery and identity', async () => {
    const login = await fetch(`${base}/api/identity/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor.loudong', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const town = await fetch(`${base}/api/discovery/v1/alerts?status=resolved`, { headers: auth });
    expect(((await town.json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id)).toContain(alertId);
    for (const [method, path] of [
      ['GET', '/api/identity/v1/audit/reads'],
      ['GET', '/api/identity/.well-known/jwks.json'],
      ['POST', '/api/identity/v1/oauth/token'],
      ['PUT', '/api/discovery/v1/policies/rules'],
      ['GET', '/api/discovery/metrics'],
      ['GET', '/api/eligibility/v1/households/x/eligibility'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method, headers: auth });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
  });
});
