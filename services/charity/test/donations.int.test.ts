import { randomUUID } from 'node:crypto';
import { embeddedFonts, pageText } from '@huimin/pdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatPayNotification } from '../src/payments/provider-sandbox.ts';
import { bearer, bookkeeping, type Charity, startCharity } from './harness.ts';

// Donations through the API (counter, bank transfer): receipt numbers without gaps or duplicates
// under concurrency, idempotency, bad input refused with nothing written, an append-only ledger
// corrected by reversing entries, and the receipt as a PDF with its Chinese text.

let charity: Charity;
beforeAll(async () => {
  charity = await startCharity({ name: 'charity_don' });
});
afterAll(async () => {
  await charity?.close();
});

function donate(
  payload: Record<string, unknown>,
  key: string = randomUUID(),
  token = charity.tokens.approver,
) {
  return charity.app.server.inject({
    method: 'POST',
    url: '/v1/donations',
    headers: { ...bearer(token), 'idempotency-key': key },
    payload: {
      fundId: 'fund-320585',
      amountFen: 10_000,
      channel: 'bank-transfer',
      donor: { kind: 'organisation', name: '太仓港某物流有限公司', publishName: true },
      ...payload,
    },
  });
}

async function receiptSequences(): Promise<number[]> {
  const { rows } = await charity.env.pool.query<{ receipt_sequence: number }>(
    'select receipt_sequence from donations order by receipt_sequence',
  );
  return rows.map((r) => r.receipt_sequence);
}

describe('receipt numbers', () => {
  it('have no gap and no duplicate when donations arrive concurrently, some of them colliding and rolled back', async () => {
    const orders = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await charity.app.server.inject({
          method: 'POST',
          url: '/public/v1/payment-orders',
          payload: {
            provider: 'wechat-pay',
            fundId: 'fund-320585100',
            amountFen: 2_000,
            donor: { kind: 'anonymous' },
          },
        });
        return res.json<{ orderId: string }>().orderId;
      }),
    );
    const sharedKey = randomUUID();
    const requests = [
      // 30 distinct API donations
      ...Array.from({ length: 30 }, (_, i) => () => donate({ amountFen: 100 + i })),
      // 8 requests racing with one Idempotency-Key: one books, the rest take a number and give it back
      ...Array.from({ length: 8 }, () => () => donate({ amountFen: 777 }, sharedKey)),
      // 10 WeChat Pay payments, each delivered twice at once
      ...orders.flatMap((orderId, i) => {
        const payment = {
          outTradeNo: orderId,
          transactionId: `4200000000${String(i).padStart(18, '0')}`,
          amountFen: 2_000,
          paidAt: new Date(),
        };
        return [0, 1].map(() => () => {
          const n = wechatPayNotification(charity.sandbox.wechatPay, payment, { now: new Date() });
          return charity.app.server.inject({
            method: 'POST',
            url: '/public/v1/payments/wechat-pay/notify',
            headers: n.headers,
            payload: n.body,
          });
        });
      }),
    ];
    const responses = await Promise.all(requests.map((send) => send()));
    expect(responses.filter((r) => r.statusCode >= 300).map((r) => r.body)).toEqual([]);

    const sequences = await receiptSequences();
    expect(sequences).toHaveLength(30 + 1 + 10);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    const numbers = await charity.env.pool.query<{ receipt_number: string }>(
      'select receipt_number from donations',
    );
    expect(new Set(numbers.rows.map((r) => r.receipt_number)).size).toBe(sequences.length);
    const shared = responses.slice(30, 38).map((r) => r.json<{ receiptNumber: string }>().receiptNumber);
    expect(new Set(shared).size).toBe(1);
  });

  it('are TC-<year>-<six digits>, counted per year on the Shanghai calendar', async () => {
    // 2019-12-31 16:30 UTC is already 2020 in Taicang; 15:30 UTC is still 2019.
    const newYear = await donate({ receivedAt: '2019-12-31T16:30:00.000Z' });
    expect(newYear.json().receiptNumber).toBe('TC-2020-000001');
    const lastYear = await donate({ receivedAt: '2019-12-31T15:30:00.000Z' });
    expect(lastYear.json().receiptNumber).toBe('TC-2019-000001');
    const again = await donate({ receivedAt: '2020-06-01T00:00:00.000Z' });
    expect(again.json().receiptNumber).toBe('TC-2020-000002');
  });
});

describe('recording a donation through the API', () => {
  it('answers a retry with the same Idempotency-Key with the first booking, and refuses the key for another donation', async () => {
    const key = randomUUID();
    const first = await donate({ amountFen: 4_200 }, key);
    expect(first.statusCode).toBe(201);
    const before = await bookkeeping(charity);
    const again = await donate({ amountFen: 4_200 }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json().receiptNumber).toBe(first.json().receiptNumber);
    const other = await donate({ amountFen: 4_300 }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('shows staff the donor’s name masked', async () => {
    const res = await donate({ donor: { kind: 'person', name: '欧阳娜娜', publishName: false } });
    expect(res.json().donor).toEqual({ kind: 'person', name: '欧***', publishName: false });
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const before = await bookkeeping(charity);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amountFen: 0 }, 400, 'VALIDATION_FAILED'],
      [{ amountFen: -100 }, 400, 'VALIDATION_FAILED'],
      [{ amountFen: 1.5 }, 400, 'VALIDATION_FAILED'],
      [{ fundId: 'fund-999999' }, 404, 'FUND_NOT_FOUND'],
      [
        { fundId: 'fund-320585100', restriction: { communityCode: '320585109002' } },
        422,
        'RESTRICTION_VIOLATED',
      ],
      [{ donor: { kind: 'person', publishName: false } }, 400, 'VALIDATION_FAILED'],
      [{ donor: { kind: 'anonymous', publishName: true } }, 400, 'VALIDATION_FAILED'],
      [{ channel: 'wechat-pay' }, 400, 'VALIDATION_FAILED'],
      [{ receivedAt: '2099-01-01T00:00:00.000Z' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await donate(payload);
      expect([payload, res.statusCode, res.json().code]).toEqual([payload, status, code]);
    }
    const unkeyed = await charity.app.server.inject({
      method: 'POST',
      url: '/v1/donations',
      headers: bearer(charity.tokens.approver),
      payload: { fundId: 'fund-320585', amountFen: 100, channel: 'cash', donor: { kind: 'anonymous' } },
    });
    expect([unkeyed.statusCode, unkeyed.json().code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    expect(await bookkeeping(charity)).toEqual(before);
  });

  it('is refused without a token or to a role that does not record donations', async () => {
    const anonymous = await charity.app.server.inject({ method: 'POST', url: '/v1/donations', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    expect((await donate({}, randomUUID(), charity.tokens.handler)).statusCode).toBe(403);
  });
});

describe('the ledger', () => {
  it('never lets an entry be changed or removed', async () => {
    await donate({});
    await expect(
      charity.env.pool.query('update ledger_entries set amount_fen = amount_fen + 1'),
    ).rejects.toThrow(/append-only/);
    await expect(charity.env.pool.query('delete from ledger_entries')).rejects.toThrow(/append-only/);
    await expect(charity.env.pool.query('delete from ledger_transactions')).rejects.toThrow(/append-only/);
  });

  it('refuses a transaction whose debits and credits differ', async () => {
    const client = await charity.env.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ account_id: string }>('select account_id from accounts limit 1');
      const id = randomUUID();
      await client.query(
        `insert into ledger_transactions (transaction_id, kind, reference_id, booked_at, recorded_by)
         values ($1, 'donation', $1, now(), 'test')`,
        [id],
      );
      await client.query(
        'insert into ledger_entries (transaction_id, account_id, amount_fen, balance_after_fen) values ($1, $2, 100, 0)',
        [id, rows[0]?.account_id],
      );
      await expect(client.query('commit')).rejects.toThrow(/does not balance/);
    } finally {
      client.release();
    }
  });

  it('corrects a donation with reversing entries and keeps the original ones', async () => {
    const res = await donate({
      fundId: 'fund-320585001',
      amountFen: 5_000,
      restriction: { purpose: 'education' },
    });
    const { donationId } = res.json<{ donationId: string }>();
    const before = await bookkeeping(charity);
    const reversal = await charity.app.server.inject({
      method: 'POST',
      url: `/v1/donations/${donationId}/reversal`,
      headers: bearer(charity.tokens.approver),
      payload: { reason: 'entered-in-error' },
    });
    expect(reversal.statusCode).toBe(200);
    expect(reversal.json().reversal).toMatchObject({
      reason: 'entered-in-error',
      reversedBy: 'u-charity-approver-01',
    });
    const after = await bookkeeping(charity);
    expect(after.ledger_entries - before.ledger_entries).toBe(2);
    expect(before.balances - after.balances).toBe(10_000); // cash and net assets each 5,000 lower

    const { rows } = await charity.env.pool.query(
      `select t.kind, e.amount_fen from ledger_entries e join ledger_transactions t using (transaction_id)
        where t.reference_id = $1 order by e.entry_id`,
      [donationId],
    );
    expect(rows).toEqual([
      { kind: 'donation', amount_fen: '5000' },
      { kind: 'donation', amount_fen: '-5000' },
      { kind: 'donation-reversal', amount_fen: '-5000' },
      { kind: 'donation-reversal', amount_fen: '5000' },
    ]);
    const twice = await charity.app.server.inject({
      method: 'POST',
      url: `/v1/donations/${donationId}/reversal`,
      headers: bearer(charity.tokens.approver),
      payload: { reason: 'entered-in-error' },
    });
    expect(twice.statusCode).toBe(409);
  });
});

describe('the receipt', () => {
  it('is a PDF with the Chinese text set in an embedded CJK font', async () => {
    const res = await donate({
      fundId: 'fund-320585100',
      amountFen: 10_050,
      restriction: { purpose: 'medical' },
      donor: { kind: 'person', name: '周晓梅', publishName: false },
      receivedAt: '2026-03-04T06:12:09.000Z',
    });
    const donation = res.json<{ donationId: string; receiptNumber: string; receiptUrl: string }>();
    const pdf = await charity.app.server.inject({ method: 'GET', url: donation.receiptUrl });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.rawPayload;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(embeddedFonts(bytes)).toEqual([expect.stringMatching(/^[A-Z]{6}\+NotoSansHans-Regular$/)]);
    const text = pageText(bytes);
    for (const line of [
      '捐赠收据',
      `收据编号：${donation.receiptNumber}`,
      '周晓梅',
      '城厢镇慈善分会',
      '¥100.50',
      '人民币壹佰元伍角',
      '限定：医疗救助',
      '2026年3月4日',
      '感谢您对太仓市慈善事业的支持！',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain('\uFFFD');
  });

  it('is not given out for a link whose token does not match', async () => {
    const res = await donate({});
    const { donationId } = res.json<{ donationId: string }>();
    const forged = await charity.app.server.inject({
      method: 'GET',
      url: `/public/v1/receipts/${donationId}?token=${'A'.repeat(32)}`,
    });
    expect(forged.statusCode).toBe(404);
  });
});
