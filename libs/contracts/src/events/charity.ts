import { CloneType, type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event.ts';
import {
  CalendarDate,
  CommunityCode,
  closedObject,
  Fen,
  HouseholdId,
  Instant,
  JurisdictionCode,
  RecordId,
  stringEnum,
  UserId,
} from '../schema-types.ts';
import { charityFundStream } from '../topics.ts';
import { wangHousehold } from './example-people.ts';

// The charity service's money events, one stream per fund so a fund's donations, spending and
// reconciliation findings stay in order. No donor's name and no beneficiary's personal data travel
// here: donor names live only in charity's own tables (published only with consent), and a
// disbursement names the household by its number, never a person.

/** A fund of the county charity federation, a town's charity association or a community charity fund. */
export const FundId = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
  description: 'charity fund id, e.g. fund-320585 (the county charity federation)',
});

export const CharityPurpose = stringEnum(
  ['medical', 'education', 'elderly-care', 'disability', 'disaster-relief', 'hardship'],
  { description: '医疗救助, 助学, 助老, 助残, 救灾, 帮困' },
);

/** What restricted money may be spent on; an empty restriction is unrestricted money. */
export const Restriction = closedObject(
  {
    purpose: Type.Optional(CharityPurpose),
    communityCode: Type.Optional(CommunityCode),
  },
  { description: 'the donor’s restriction: to a purpose and/or a community; empty when unrestricted' },
);

export const ReceiptNumber = Type.String({
  pattern: '^TC-\\d{4}-\\d{6}$',
  description: 'donation receipt number, sequential per calendar year without gaps (TC-2026-000001)',
});

const DonationChannel = stringEnum(['wechat-pay', 'alipay', 'bank-transfer', 'cash']);
const Uuid = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  description: 'charity’s own id (a lower-case UUID)',
});

export const DonationReceived = defineEvent({
  name: 'DonationReceived',
  type: 'huimin.charity.donation.received.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    fundId: FundId,
    donationId: Uuid,
    receiptNumber: ReceiptNumber,
    amountFen: CloneType(Fen, { description: 'amount in fen (分), always > 0' }),
    channel: DonationChannel,
    restriction: Restriction,
    donorKind: stringEnum(['person', 'organisation', 'anonymous']),
    receivedAt: Instant,
  }),
  description: 'A donation was booked into a fund’s ledger and given its receipt number.',
  example: {
    fundId: 'fund-320585100',
    donationId: '5f0c7a52-3b8e-4d7f-9a61-2c4e8b0d1f37',
    receiptNumber: 'TC-2025-000318',
    amountFen: 50_000,
    channel: 'wechat-pay',
    restriction: { purpose: 'medical' },
    donorKind: 'person',
    receivedAt: '2025-03-04T06:12:09.000Z',
  },
});
export type DonationReceived = Static<typeof DonationReceived.schema>;

export const DonationReversed = defineEvent({
  name: 'DonationReversed',
  type: 'huimin.charity.donation.reversed.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    fundId: FundId,
    donationId: Uuid,
    receiptNumber: ReceiptNumber,
    amountFen: Fen,
    reason: stringEnum(['refunded', 'entered-in-error', 'duplicate']),
    reversedBy: UserId,
    reversedAt: Instant,
  }),
  description:
    'A donation was taken back out of the ledger by reversing entries (the original entries stay).',
  example: {
    fundId: 'fund-320585100',
    donationId: '5f0c7a52-3b8e-4d7f-9a61-2c4e8b0d1f37',
    receiptNumber: 'TC-2025-000318',
    amountFen: 50_000,
    reason: 'refunded',
    reversedBy: 'u-charity-approver-01',
    reversedAt: '2025-03-05T01:00:00.000Z',
  },
});
export type DonationReversed = Static<typeof DonationReversed.schema>;

const disbursementFields = {
  fundId: FundId,
  disbursementId: Uuid,
  householdId: HouseholdId,
  communityCode: CommunityCode,
  purpose: CharityPurpose,
  amountFen: CloneType(Fen, { description: 'amount in fen (分), always > 0' }),
  fundedFrom: CloneType(Restriction, { description: 'the money it is paid from' }),
  alertId: Type.Optional(CloneType(RecordId, { description: 'the discovery alert that led to it' })),
  assistanceApplicationId: Type.Optional(
    Type.String({
      pattern: '^TA-\\d{4}-\\d{6}$',
      description: 'the temporary-assistance (临时救助) application this tops up',
    }),
  ),
};

const disbursementExample = {
  fundId: 'fund-320585100',
  disbursementId: '0b8e1f4c-6a2d-4e93-8c57-d1a3f2b40e68',
  householdId: wangHousehold.householdId,
  communityCode: wangHousehold.communityCode,
  purpose: 'medical' as const,
  amountFen: 300_000,
  fundedFrom: { purpose: 'medical' as const },
  alertId: 'AL-20250303-000087',
};

export const DisbursementRequested = defineEvent({
  name: 'DisbursementRequested',
  type: 'huimin.charity.disbursement.requested.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({ ...disbursementFields, applicantId: UserId, requestedAt: Instant }),
  description: 'A case handler applied for help from a fund for a household; it awaits approval.',
  example: { ...disbursementExample, applicantId: 'u-handler-0107', requestedAt: '2025-03-04T02:00:00.000Z' },
});
export type DisbursementRequested = Static<typeof DisbursementRequested.schema>;

export const DisbursementApproved = defineEvent({
  name: 'DisbursementApproved',
  type: 'huimin.charity.disbursement.approved.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({ ...disbursementFields, approverId: UserId, approvedAt: Instant }),
  description: 'An approver other than the applicant approved a disbursement; it can now be paid.',
  example: {
    ...disbursementExample,
    approverId: 'u-charity-approver-01',
    approvedAt: '2025-03-04T05:30:00.000Z',
  },
});
export type DisbursementApproved = Static<typeof DisbursementApproved.schema>;

export const DisbursementRejected = defineEvent({
  name: 'DisbursementRejected',
  type: 'huimin.charity.disbursement.rejected.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    ...disbursementFields,
    approverId: UserId,
    reason: Type.String({ minLength: 1, maxLength: 200 }),
    rejectedAt: Instant,
  }),
  description: 'An approver turned a disbursement application down.',
  example: {
    ...disbursementExample,
    approverId: 'u-charity-approver-01',
    reason: '已由医疗救助全额覆盖',
    rejectedAt: '2025-03-04T05:30:00.000Z',
  },
});
export type DisbursementRejected = Static<typeof DisbursementRejected.schema>;

export const DisbursementPaid = defineEvent({
  name: 'DisbursementPaid',
  type: 'huimin.charity.disbursement.paid.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    ...disbursementFields,
    approverId: UserId,
    paidBy: UserId,
    paidAt: Instant,
    fundBalanceAfterFen: CloneType(Fen, { description: 'the fund’s balance after the payment' }),
  }),
  description: 'An approved disbursement was paid out: the fund’s ledger has the entries.',
  example: {
    ...disbursementExample,
    approverId: 'u-charity-approver-01',
    paidBy: 'u-charity-approver-02',
    paidAt: '2025-03-05T01:00:00.000Z',
    fundBalanceAfterFen: 12_450_000,
  },
});
export type DisbursementPaid = Static<typeof DisbursementPaid.schema>;

const ReconciliationProblem = closedObject({
  check: stringEnum(['account-balance', 'unbalanced-transaction', 'fund-identity'], {
    description:
      'account-balance: an account’s stored balance differs from the sum of its entries; unbalanced-transaction: a transaction’s debits and credits differ; fund-identity: a fund’s cash differs from its net assets',
  }),
  accountId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  transactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  expected: Type.Integer({ description: 'what the entries say, in fen (may be negative when corrupted)' }),
  found: Type.Integer({ description: 'what was found instead, in fen (may be negative when corrupted)' }),
});

export const ReconciliationFailed = defineEvent({
  name: 'ReconciliationFailed',
  type: 'huimin.charity.reconciliation.failed.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    fundId: FundId,
    businessDate: CloneType(CalendarDate, { description: 'the day the daily reconciliation covered' }),
    checkedAt: Instant,
    problems: Type.Array(ReconciliationProblem, { minItems: 1, maxItems: 100 }),
  }),
  description:
    'The daily reconciliation found a fund whose ledger does not balance or does not match its balances.',
  example: {
    fundId: 'fund-320585100',
    businessDate: '2025-03-04',
    checkedAt: '2025-03-04T18:00:02.114Z',
    problems: [{ check: 'account-balance', accountId: '17', expected: 1_250_000, found: 1_249_000 }],
  },
});
export type ReconciliationFailed = Static<typeof ReconciliationFailed.schema>;

const FundKind = stringEnum(['county-federation', 'town-association', 'community-fund'], {
  description: '慈善总会, 镇（街道）慈善分会, 社区慈善基金',
});

export const FundOpened = defineEvent({
  name: 'FundOpened',
  type: 'huimin.charity.fund.opened.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({
    fundId: FundId,
    name: Type.String({ minLength: 1, maxLength: 80 }),
    kind: FundKind,
    jurisdictionCode: JurisdictionCode,
    openedOn: CalendarDate,
  }),
  description: 'A charity fund was set up and takes donations from this day on.',
  example: {
    fundId: 'fund-320585001001',
    name: '常胜社区慈善基金',
    kind: 'community-fund',
    jurisdictionCode: wangHousehold.communityCode,
    openedOn: '2025-06-01',
  },
});
export type FundOpened = Static<typeof FundOpened.schema>;

export const FundClosed = defineEvent({
  name: 'FundClosed',
  type: 'huimin.charity.fund.closed.v1',
  version: 1,
  topic: charityFundStream,
  key: (p) => p.fundId,
  schema: closedObject({ fundId: FundId, closedOn: CalendarDate }),
  description: 'A charity fund was wound up and takes no donations from this day on.',
  example: { fundId: 'fund-320585001001', closedOn: '2026-01-01' },
});
export type FundClosed = Static<typeof FundClosed.schema>;
