// Applying for temporary assistance (临时救助) from an alert, in a real headless Chromium, against
// identity, notify, discovery, eligibility and the assistance service as processes. The household
// comes through the registry's feeds (eligibility learns its income and assets, discovery where it
// lives); a handler opens an alert for it, applies from the alert's page, sees the household, the
// alert's reason and the amount the rule allows, submits; the bureau's admin finds it in the queue.
import {
  HouseholdAssetsReported,
  HouseholdRegistered,
  MemberIncomeReported,
  syntheticResidentId,
} from '@huimin/contracts';
import { createKafkaClient, createProducer, createPublisher } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../../e2e/platform.ts';
import { buildConsole, DESKTOP, launchChromium, PASSWORD, signIn, waitFor } from './console-browser.ts';

let platform: Platform;
let browser: Browser;
let consoleBuild: { dir: string; remove: () => void };
let base: string;
let alertId: string;
const householdId = 'HH-320585001001-7301';
const CHANGSHENG = '320585001001';
const head = syntheticResidentId({ seq: 73, birthDate: '1968-04-02', sex: 'male' });
const spouse = syntheticResidentId({ seq: 74, birthDate: '1970-09-12', sex: 'female' });

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
    name: 'console_assistance',
    logLevel: 'warn',
    only: ['identity', 'notify', 'discovery', 'eligibility', 'assistance'],
    env: { notify: { CONSOLE_DIR: consoleBuild.dir } },
  });
  base = platform.url('notify');

  const kafka = createKafkaClient({
    brokers: platform.brokers,
    clientId: 'console-assistance-test',
    logger: createLogger({ name: 'test', level: 'warn' }),
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const publisher = createPublisher({ producer });
  await publisher.publish(
    HouseholdRegistered,
    {
      householdId,
      businessDate: '2026-11-01',
      townCode: '320585001',
      communityCode: CHANGSHENG,
      address: { text: '娄东街道长胜社区21号', lng: 121.1, lat: 31.45 },
      members: [
        {
          residentId: head,
          name: '测试',
          relationToHead: 'head',
          birthDate: '1968-04-02',
          sex: 'male',
          hukouLocal: true,
          workAbility: 'full',
          inInstitution: false,
        },
        {
          residentId: spouse,
          name: '测试',
          relationToHead: 'spouse',
          birthDate: '1970-09-12',
          sex: 'female',
          hukouLocal: true,
          workAbility: 'partial',
          inInstitution: false,
        },
      ],
      legalSupporters: [],
    },
    { source: '/test' },
  );
  const eligibility = platform.pool('eligibility');
  await waitFor('eligibility to know the household', async () => {
    const { rows } = await eligibility.query('select 1 from households where household_id = $1', [
      householdId,
    ]);
    return rows.length === 1;
  });
  await publisher.publish(
    MemberIncomeReported,
    {
      householdId,
      residentId: head,
      businessDate: '2026-11-01',
      incomes: [{ type: 'wage', monthlyFen: 150_000 }],
    },
    { source: '/test' },
  );
  await publisher.publish(
    HouseholdAssetsReported,
    {
      householdId,
      businessDate: '2026-11-01',
      financialAssetsFen: 200_000,
      vehicleCount: 0,
      hasNonEssentialVehicle: false,
      propertyCount: 1,
    },
    { source: '/test' },
  );
  await producer.disconnect();
  await waitFor('eligibility to hold its income and assets', async () => {
    const income = await eligibility.query('select 1 from member_incomes where household_id = $1', [
      householdId,
    ]);
    const assets = await eligibility.query('select 1 from household_assets where household_id = $1', [
      householdId,
    ]);
    return income.rows.length === 1 && assets.rows.length === 1;
  });
  // A walk-in: the handler opens an alert for the household (discovery must know where it lives).
  const handler = await token('handler.changsheng');
  await waitFor('discovery to know the household', async () => {
    const res = await fetch(`${platform.url('discovery')}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${handler}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        communityCode: CHANGSHENG,
        channel: 'walk-in',
        householdId,
        summary: '户主突发重病住院，家庭无力承担医疗费用',
      }),
    });
    if (res.status !== 201) return false;
    alertId = ((await res.json()) as { id: string }).id;
    return true;
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  consoleBuild?.remove();
});

async function open(username: string): Promise<Page> {
  const c = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  c.setDefaultTimeout(20_000);
  return signIn(base, c, username);
}

describe('temporary assistance in Chromium', { timeout: 120_000 }, () => {
  it('a handler applies from the alert: household and reason prefilled, the rule’s amount shown, submitted for approval', async () => {
    const page = await open('handler.changsheng');
    await page.goto(`${base}/#/alerts/${alertId}`);
    await page.getByRole('link', { name: '申请临时救助' }).click();
    await page.getByRole('heading', { name: '申请临时救助' }).waitFor();
    await page.getByTestId('household').getByText(householdId).waitFor();
    expect(await page.getByTestId('reasons').textContent()).toContain('户主突发重病住院');
    // Major illness: 12 months × 1,045 yuan × 2 people = 25,080 yuan, within the 30,000-yuan ceiling.
    await page.getByTestId('proposed').getByText('25,080 元').waitFor();
    // Asking more than the ceiling is refused before submitting, in Chinese.
    await page.getByLabel('申请金额（元，留空按可救助金额）').fill('30000.01');
    await page.getByLabel('申请金额（元，留空按可救助金额）').blur();
    await page.getByTestId('refusals').getByText('超过单次临时救助上限 30,000.00 元').waitFor();
    expect(await page.getByRole('button', { name: '提交申请' }).isDisabled()).toBe(true);
    await page.getByLabel('申请金额（元，留空按可救助金额）').fill('');
    await page.getByLabel('申请金额（元，留空按可救助金额）').blur();
    await page.getByTestId('refusals').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByTestId('application-status').getByText('待审批').waitFor();
    expect(await page.getByTestId('application-amount').textContent()).toBe('25,080 元');

    const admin = await open('admin');
    await admin.getByRole('link', { name: '临时救助审批' }).click();
    const item = admin.getByTestId('queue-item').filter({ hasText: householdId });
    await item.waitFor();
    expect(await item.textContent()).toContain('已审批 0/2');
    await item.getByRole('button', { name: '批准' }).click();
    await item.getByText('已审批 1/2').waitFor();
    // Four eyes: the same admin cannot give the second approval.
    expect(await item.getByRole('button', { name: '批准' }).isDisabled()).toBe(true);
  });
});
