import { readFileSync } from 'node:fs';
import { PersonRecordRead, TemporaryAssistancePaid, topics } from '@huimin/contracts';
import { readRecords } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistance, bearer, proposal, startAssistance } from './harness.ts';

// A handler opens an application from an alert (household and reasons from discovery, amount from
// eligibility), attaches evidence, approvers approve under four eyes, the payment is recorded:
// every step an event on huimin.assistance.application, every read audited.

let svc: Assistance;
const wang = { householdId: 'HH-320585100001-0107', communityCode: '320585100001' };
const li = { householdId: 'HH-320585100001-0220', communityCode: '320585100001' };

beforeAll(async () => {
  svc = await startAssistance({ name: 'assistance_apps', fourEyesAboveFen: 200_000 });
  svc.alerts.set('ALR-2026-000087', {
    alertId: 'ALR-2026-000087',
    ...wang,
    status: 'acknowledged',
    type: 'medical-hardship',
    title: '因病致贫风险',
    priority: 'P1',
    reasons: ['近12个月自付医疗费用 19,000 元，占家庭收入 45%'],
  });
  svc.alerts.set('ALR-2026-000099', {
    alertId: 'ALR-2026-000099',
    ...li,
    status: 'open',
    type: 'medical-hardship',
    title: '大额医疗支出',
    priority: 'P2',
    reasons: [],
  });
  svc.proposals.set(wang.householdId, proposal(wang.householdId));
});

afterAll(async () => {
  await svc?.close();
});

const inject = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  svc.app.server.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

describe('an application from an alert', () => {
  let applicationId = '';

  it('is prefilled from the alert and shows the amount eligibility proposes, before anything is stored', async () => {
    const res = await inject(
      'GET',
      '/v1/proposals?alertId=ALR-2026-000087&cause=accident',
      svc.tokens.handler,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      alert: { householdId: wang.householdId, communityCode: wang.communityCode },
      reasons: ['近12个月自付医疗费用 19,000 元，占家庭收入 45%'],
      proposal: { proposedFen: 1_254_000, policyVersion: 'taicang-ta-2024-10-24', approvalLevel: 'bureau' },
      refusals: [],
      approvalsNeeded: 2,
    });
    expect(svc.asked.at(-1)).toMatchObject({
      request: { householdId: wang.householdId, cause: 'accident', lastGrantedOn: '' },
      authorization: 'Bearer svc-assistance-test',
    });
  });

  it('is not open to a handler of another community: the alert’s community decides, not the request', async () => {
    const res = await inject('POST', '/v1/applications', svc.tokens.otherHandler, {
      alertId: 'ALR-2026-000087',
      cause: 'accident',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ALERT_NOT_FOUND');
  });

  it('opens with the proposed amount and the alert’s reasons', async () => {
    const res = await inject('POST', '/v1/applications', svc.tokens.admin, {
      alertId: 'ALR-2026-000087',
      cause: 'accident',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      alertId: 'ALR-2026-000087',
      householdId: wang.householdId,
      reasons: ['近12个月自付医疗费用 19,000 元，占家庭收入 45%'],
      amountFen: 1_254_000,
      status: 'pending',
      approvalLevel: 'bureau',
      approvalsNeeded: 2,
      appliedBy: 'u-admin-1',
    });
    expect(body.applicationId).toMatch(/^TA-\d{4}-\d{6}$/);
    applicationId = body.applicationId;
  });

  it('takes a photo without its GPS, and refuses a file that is not what it claims', async () => {
    const photo = readFileSync(new URL('../../../libs/kit/test/fixtures/visit-gps.jpg', import.meta.url));
    expect(photo.includes(Buffer.from('GPS'))).toBe(true);
    const res = await inject('POST', `/v1/applications/${applicationId}/evidence`, svc.tokens.handler, {
      kind: 'photo',
      contentType: 'image/jpeg',
      dataBase64: photo.toString('base64'),
    });
    expect(res.statusCode).toBe(201);
    const stored = await inject(
      'GET',
      `/v1/applications/${applicationId}/evidence/${res.json().evidenceId}`,
      svc.tokens.handler,
    );
    expect(stored.statusCode).toBe(200);
    expect(stored.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(stored.rawPayload.includes(Buffer.from('GPS'))).toBe(false);
    const fake = await inject('POST', `/v1/applications/${applicationId}/evidence`, svc.tokens.handler, {
      kind: 'hospital-bill',
      contentType: 'application/pdf',
      dataBase64: Buffer.from('not a pdf at all').toString('base64'),
    });
    expect(fake.statusCode).toBe(422);
    expect(fake.json().code).toBe('INVALID_EVIDENCE');
    const bill = await inject('POST', `/v1/applications/${applicationId}/evidence`, svc.tokens.handler, {
      kind: 'hospital-bill',
      contentType: 'application/pdf',
      dataBase64: Buffer.from('%PDF-1.4\n%hospital bill\n').toString('base64'),
    });
    expect(bill.statusCode).toBe(201);
    const app = await inject('GET', `/v1/applications/${applicationId}`, svc.tokens.handler);
    expect(app.json().evidence.map((e: { kind: string }) => e.kind)).toEqual(['photo', 'hospital-bill']);
  });

  it('four eyes: the applicant cannot approve, one approver cannot approve twice, a town supervisor not a bureau amount', async () => {
    const own = await inject('POST', `/v1/applications/${applicationId}/approve`, svc.tokens.admin);
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({
      code: 'SECOND_APPROVER_REQUIRED',
      message: '不能审批本人提交的申请，请由其他审批人审批',
    });
    const town = await inject('POST', `/v1/applications/${applicationId}/approve`, svc.tokens.supervisor);
    expect(town.statusCode).toBe(403);
    expect(town.json().code).toBe('APPROVAL_LEVEL');
    const first = await inject('POST', `/v1/applications/${applicationId}/approve`, svc.tokens.admin2);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'pending', approvedBy: ['u-admin-2'] });
    const twice = await inject('POST', `/v1/applications/${applicationId}/approve`, svc.tokens.admin2);
    expect(twice.statusCode).toBe(409);
    const payTooEarly = await inject('POST', `/v1/applications/${applicationId}/payment`, svc.tokens.admin2, {
      paymentReference: 'GK-20261207-0001',
      paidOn: '2026-12-07',
    });
    expect(payTooEarly.statusCode).toBe(409);
  });

  it('a second bureau approver completes it; the payment is recorded with its reference and published', async () => {
    const second = await inject('POST', `/v1/applications/${applicationId}/approve`, svc.tokens.admin3);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'approved', approvedBy: ['u-admin-2', 'u-admin-3'] });
    const paid = await inject('POST', `/v1/applications/${applicationId}/payment`, svc.tokens.admin2, {
      paymentReference: 'GK-20261207-0001',
      paidOn: '2026-12-07',
    });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({
      status: 'paid',
      paymentReference: 'GK-20261207-0001',
      paidOn: '2026-12-07',
    });

    await svc.drainOutbox();
    const records = await readRecords(svc.env.kafka, topics['huimin.assistance.application'].name);
    const types = records.filter((r) => r.key === applicationId).map((r) => r.headers.ce_type);
    expect(types).toEqual([
      'huimin.assistance.application.applied.v1',
      'huimin.assistance.application.evidence-attached.v1',
      'huimin.assistance.application.evidence-attached.v1',
      'huimin.assistance.application.approved.v1',
      'huimin.assistance.application.approved.v1',
      'huimin.assistance.application.paid.v1',
    ]);
    const paidEvent = records.find(
      (r) => r.key === applicationId && r.headers.ce_type === TemporaryAssistancePaid.type,
    );
    expect(JSON.parse(paidEvent?.value ?? '{}')).toMatchObject({
      applicationId,
      alertId: 'ALR-2026-000087',
      householdId: wang.householdId,
      amountFen: 1_254_000,
      paymentReference: 'GK-20261207-0001',
    });
    // Every read of the household's case went to the audit stream, by household number.
    const reads = (await readRecords(svc.env.kafka, PersonRecordRead.topic.name)).map((r) =>
      JSON.parse(r.value),
    );
    expect(reads.filter((r) => r.subjectId === wang.householdId).map((r) => r.actorId)).toEqual(
      expect.arrayContaining(['u-handler-0107', 'u-admin-1', 'u-admin-2', 'u-admin-3']),
    );
  });

  it('the next proposal for the household carries its last grant, for the waiting period', async () => {
    svc.proposals.set(
      wang.householdId,
      proposal(wang.householdId, {
        nextPossibleOn: '2027-06-05',
        failed: [{ code: 'TA_WAITING_PERIOD_OVER', actual: '2026-12-07', threshold: '2027-06-05' }],
      }),
    );
    const res = await inject('POST', '/v1/applications', svc.tokens.handler, {
      alertId: 'ALR-2026-000087',
      cause: 'accident',
    });
    expect(svc.asked.at(-1)?.request).toMatchObject({
      householdId: wang.householdId,
      lastGrantedOn: '2026-12-07',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'NOT_ELIGIBLE',
      details: {
        refusals: [
          {
            code: 'TA_WAITING_PERIOD_OVER',
            message: '该家庭已于 2026-12-07 获得临时救助，尚在等待期内，2027-06-05 起方可再次申请',
          },
        ],
      },
    });
  });
});

describe('refusals and small amounts', () => {
  it('a household over the income line cannot apply, and is told why in Chinese', async () => {
    svc.proposals.set(
      li.householdId,
      proposal(li.householdId, {
        failed: [{ code: 'TA_INCOME_WITHIN_LINE', actual: '418001', threshold: '418000' }],
      }),
    );
    const res = await inject('POST', '/v1/applications', svc.tokens.handler, {
      alertId: 'ALR-2026-000099',
      cause: 'accident',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.refusals).toEqual([
      { code: 'TA_INCOME_WITHIN_LINE', message: '家庭月收入 4,180.01 元，超过临时救助收入标准 4,180.00 元' },
    ]);
    expect(
      (await svc.env.pool.query('select 1 from applications where household_id = $1', [li.householdId]))
        .rowCount,
    ).toBe(0);
  });

  it('at or below the four-eyes amount one town approver suffices; a refusal keeps its reason', async () => {
    svc.proposals.set(
      li.householdId,
      proposal(li.householdId, { proposedFen: '200000', maximumFen: '200000', approvalLevel: 'town' }),
    );
    const open = await inject('POST', '/v1/applications', svc.tokens.handler, {
      alertId: 'ALR-2026-000099',
      cause: 'death',
      requestedFen: 200_000,
    });
    expect(open.statusCode).toBe(201);
    expect(open.json()).toMatchObject({ approvalsNeeded: 1, amountFen: 200_000 });
    const id = open.json().applicationId;
    const ok = await inject('POST', `/v1/applications/${id}/approve`, svc.tokens.supervisor);
    expect(ok.json()).toMatchObject({ status: 'approved', approvedBy: ['u-sup-chengxiang'] });

    const again = await inject('POST', '/v1/applications', svc.tokens.handler, {
      alertId: 'ALR-2026-000099',
      cause: 'death',
      requestedFen: 200_000,
    });
    const refused = await inject(
      'POST',
      `/v1/applications/${again.json().applicationId}/refuse`,
      svc.tokens.supervisor2,
      {
        reason: '已由同一事由获得救助',
      },
    );
    expect(refused.json()).toMatchObject({
      status: 'refused',
      refusalReason: '已由同一事由获得救助',
      refusedBy: 'u-sup-chengxiang-2',
    });
    const queue = await inject('GET', '/v1/applications?status=pending', svc.tokens.supervisor);
    expect(queue.json().applications).toEqual([]);
    const outsider = await inject('GET', `/v1/applications/${id}`, svc.tokens.otherHandler);
    expect(outsider.statusCode).toBe(404);
  });
});
