import { type Static, Type } from '@sinclair/typebox';

export const MonthQuery = Type.Object({
  month: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
      description: 'YYYY-MM; the current month by default',
    }),
  ),
  from: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
      description:
        'first month of the trend; by default the month the platform’s data starts (at most 36 months back)',
    }),
  ),
});
export type MonthQuery = Static<typeof MonthQuery>;

export const FactBody = Type.Object(
  {
    indicator: Type.Integer({ minimum: 1, maximum: 19 }),
    measure: Type.Optional(Type.String({ pattern: '^[a-z][a-z-]{0,31}$', description: "default 'value'" })),
    townCode: Type.Optional(
      Type.String({ pattern: '^\\d{9}$', description: 'the town the fact is about; absent for the county' }),
    ),
    asOf: Type.String({ format: 'date', description: 'the date the fact holds from' }),
    value: Type.Number({ minimum: 0, maximum: 1_000_000, multipleOf: 0.01 }),
    sourceDocument: Type.String({
      minLength: 2,
      maxLength: 80,
      description: 'the number of the document the fact comes from (文件号), e.g. 太民发〔2025〕12号',
    }),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type FactBody = Static<typeof FactBody>;

export const FactQuery = Type.Object({ indicator: Type.Optional(Type.Integer({ minimum: 1, maximum: 19 })) });
export type FactQuery = Static<typeof FactQuery>;
