import type pg from 'pg';
import type { Fund, FundKind } from '../domain/funds.ts';
import type { Purpose } from '../domain/purposes.ts';

interface FundRow {
  fund_id: string;
  name: string;
  kind: FundKind;
  jurisdiction_code: string;
  purposes: Purpose[] | null;
}

const toFund = (row: FundRow): Fund => ({
  fundId: row.fund_id,
  name: row.name,
  kind: row.kind,
  jurisdictionCode: row.jurisdiction_code,
  purposes: row.purposes,
});

export interface FundWithBalance extends Fund {
  balanceFen: number;
  /** Money per restriction; the entry without purpose or community is the unrestricted money. */
  pots: { purpose: Purpose | null; communityCode: string | null; balanceFen: number }[];
}

export function createFundStore(db: pg.Pool | pg.ClientBase) {
  return {
    async get(fundId: string, client: pg.ClientBase | pg.Pool = db): Promise<Fund | undefined> {
      const { rows } = await client.query<FundRow>('select * from funds where fund_id = $1', [fundId]);
      return rows[0] === undefined ? undefined : toFund(rows[0]);
    },

    async list(): Promise<FundWithBalance[]> {
      const { rows } = await db.query<
        FundRow & { pots: { purpose: Purpose | null; communityCode: string | null; balanceFen: number }[] }
      >(
        `select f.*, coalesce(json_agg(json_build_object(
                   'purpose', a.purpose, 'communityCode', a.community_code, 'balanceFen', a.balance_fen)
                   order by a.purpose nulls first, a.community_code nulls first)
                 filter (where a.account_id is not null), '[]') as pots
           from funds f left join accounts a on a.fund_id = f.fund_id and a.kind = 'net-assets'
          group by f.fund_id
          order by f.jurisdiction_code, f.fund_id`,
      );
      return rows.map((row) => {
        const pots = row.pots.map((p) => ({ ...p, balanceFen: Number(p.balanceFen) }));
        return { ...toFund(row), pots, balanceFen: pots.reduce((sum, p) => sum + p.balanceFen, 0) };
      });
    },

    /**
     * Funds the platform has not been told about yet, marked as told now (inside the caller's
     * transaction, which also appends their FundOpened events), with the Shanghai date each opened.
     */
    async claimUnannounced(): Promise<(Fund & { openedOn: string })[]> {
      const { rows } = await db.query<FundRow & { opened_on: string }>(
        `update funds set announced_at = now() where announced_at is null
         returning *, to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as opened_on`,
      );
      return rows
        .map((row) => ({ ...toFund(row), openedOn: row.opened_on }))
        .sort((a, b) => a.fundId.localeCompare(b.fundId));
    },

    /** Creates or renames a fund (seeding); its kind and area never change once money is in it. */
    async upsert(fund: Fund): Promise<'created' | 'unchanged' | 'updated'> {
      const { rows } = await db.query<{ created: boolean; changed: boolean }>(
        `insert into funds (fund_id, name, kind, jurisdiction_code, purposes) values ($1, $2, $3, $4, $5)
         on conflict (fund_id) do update set name = excluded.name, purposes = excluded.purposes
           where (funds.name, funds.purposes) is distinct from (excluded.name, excluded.purposes)
         returning (xmax = 0) as created, true as changed`,
        [fund.fundId, fund.name, fund.kind, fund.jurisdictionCode, fund.purposes],
      );
      if (rows[0] === undefined) return 'unchanged';
      return rows[0].created ? 'created' : 'updated';
    },
  };
}

export type FundStore = ReturnType<typeof createFundStore>;
