import { CharityPurpose, CommunityCode, FundId, HouseholdId } from '@huimin/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { MAX_AMOUNT_FEN } from '../domain/money.ts';

// Request and response shapes of charity's HTTP API (they also make the OpenAPI document at /docs).

/** Money in whole fen, at least 1: a zero or negative amount is refused as VALIDATION_FAILED. */
export const PositiveFen = Type.Integer({
  minimum: 1,
  maximum: MAX_AMOUNT_FEN,
  description: 'amount in fen (分), > 0',
});

export const RestrictionBody = Type.Object(
  { purpose: Type.Optional(CharityPurpose), communityCode: Type.Optional(CommunityCode) },
  {
    additionalProperties: false,
    description: 'the donor’s restriction; omit (or {}) for unrestricted money',
  },
);

export const DonorBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('person'), Type.Literal('organisation'), Type.Literal('anonymous')]),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    publishName: Type.Boolean({
      default: false,
      description: 'the donor consents to their name being published',
    }),
  },
  { additionalProperties: false },
);

export const DonationBody = Type.Object(
  {
    fundId: FundId,
    amountFen: PositiveFen,
    channel: Type.Union([Type.Literal('bank-transfer'), Type.Literal('cash')], {
      description: 'WeChat Pay and Alipay donations arrive through their notifications',
    }),
    restriction: Type.Optional(RestrictionBody),
    donor: DonorBody,
    receivedAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'when the money arrived; default now' }),
    ),
  },
  { additionalProperties: false },
);
export type DonationBody = Static<typeof DonationBody>;

export const PaymentOrderBody = Type.Object(
  {
    provider: Type.Union([Type.Literal('wechat-pay'), Type.Literal('alipay')]),
    fundId: FundId,
    amountFen: PositiveFen,
    restriction: Type.Optional(RestrictionBody),
    donor: DonorBody,
  },
  { additionalProperties: false },
);
export type PaymentOrderBody = Static<typeof PaymentOrderBody>;

export const DisbursementBody = Type.Object(
  {
    fundId: FundId,
    householdId: HouseholdId,
    purpose: CharityPurpose,
    amountFen: PositiveFen,
    fundedFrom: Type.Optional(
      Type.Object(
        { purpose: Type.Optional(CharityPurpose), communityCode: Type.Optional(CommunityCode) },
        {
          additionalProperties: false,
          description: 'the money to pay from; omit for the fund’s unrestricted money',
        },
      ),
    ),
    alertId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' })),
    assistanceApplicationId: Type.Optional(
      Type.String({
        pattern: '^TA-\\d{4}-\\d{6}$',
        description: 'the temporary-assistance application this tops up (same household)',
      }),
    ),
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'why the household needs help (internal)',
    }),
  },
  { additionalProperties: false },
);
export type DisbursementBody = Static<typeof DisbursementBody>;

export const Uuid = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
});
export const IdParams = Type.Object({ id: Uuid });
export type IdParams = Static<typeof IdParams>;

export const ReversalBody = Type.Object(
  {
    reason: Type.Union([
      Type.Literal('refunded'),
      Type.Literal('entered-in-error'),
      Type.Literal('duplicate'),
    ]),
  },
  { additionalProperties: false },
);
export const RejectionBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const YearQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) },
  { additionalProperties: false },
);
