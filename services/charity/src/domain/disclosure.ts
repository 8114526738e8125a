import type { Fund, FundKind } from './funds.ts';
import type { Purpose } from './purposes.ts';
import { purposeLabel } from './purposes.ts';

// The public disclosure (慈善信息公开, Charity Law ch. 8): per fund and month, what came in, what
// went out, what is left and how many households were helped. Donors appear by name only when
// they consented; beneficiaries never appear at all, only as a count of households.

/** A month's change of a fund's net assets, by what booked it (from the ledger). */
export interface LedgerMovement {
  fundId: string;
  month: string;
  kind: 'donation' | 'donation-reversal' | 'disbursement';
  /** Change of net assets in fen: positive for donations, negative for reversals and payments. */
  changeFen: number;
}

export interface DisclosureFacts {
  year: number;
  /** The last month to show: December for a past year, this month for the current one. */
  throughMonth: string;
  funds: readonly (Fund & { jurisdictionName: string })[];
  openingBalances: ReadonlyMap<string, number>;
  movements: readonly LedgerMovement[];
  /** Distinct households paid, per fund and month, and per fund over the year. */
  householdsByMonth: readonly { fundId: string; month: string; households: number }[];
  householdsByYear: ReadonlyMap<string, number>;
  spendingByPurpose: readonly { fundId: string; purpose: Purpose; amountFen: number }[];
  /** Donors who consented to publication, summed per name; the rest only as a count and a sum. */
  namedDonors: readonly { fundId: string; name: string; amountFen: number; donations: number }[];
  otherDonors: readonly { fundId: string; amountFen: number; donations: number }[];
}

export interface MonthLine {
  month: string;
  incomeFen: number;
  spendingFen: number;
  balanceFen: number;
  householdsHelped: number;
}

export interface FundDisclosure {
  fundId: string;
  name: string;
  kind: FundKind;
  jurisdiction: { code: string; name: string };
  openingBalanceFen: number;
  incomeFen: number;
  spendingFen: number;
  closingBalanceFen: number;
  householdsHelped: number;
  months: MonthLine[];
  spendingByPurpose: { purpose: Purpose; label: string; amountFen: number }[];
  donors: {
    named: { name: string; amountFen: number; donations: number }[];
    others: { amountFen: number; donations: number };
  };
}

export interface Disclosure {
  year: number;
  throughMonth: string;
  funds: FundDisclosure[];
  totals: { incomeFen: number; spendingFen: number; closingBalanceFen: number; householdsHelped: number };
}

export function monthsOfYear(year: number, throughMonth: string): string[] {
  const months: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    if (month > throughMonth) break;
    months.push(month);
  }
  return months;
}

export function buildDisclosure(facts: DisclosureFacts): Disclosure {
  const months = monthsOfYear(facts.year, facts.throughMonth);
  const funds = facts.funds.map((fund): FundDisclosure => {
    const opening = facts.openingBalances.get(fund.fundId) ?? 0;
    let balance = opening;
    const lines = months.map((month): MonthLine => {
      let income = 0;
      let spending = 0;
      for (const m of facts.movements) {
        if (m.fundId !== fund.fundId || m.month !== month) continue;
        // A reversed donation is income that did not happen; a payment is spending.
        if (m.kind === 'disbursement') spending -= m.changeFen;
        else income += m.changeFen;
      }
      balance += income - spending;
      const households =
        facts.householdsByMonth.find((h) => h.fundId === fund.fundId && h.month === month)?.households ?? 0;
      return {
        month,
        incomeFen: income,
        spendingFen: spending,
        balanceFen: balance,
        householdsHelped: households,
      };
    });
    const others = facts.otherDonors.find((d) => d.fundId === fund.fundId);
    return {
      fundId: fund.fundId,
      name: fund.name,
      kind: fund.kind,
      jurisdiction: { code: fund.jurisdictionCode, name: fund.jurisdictionName },
      openingBalanceFen: opening,
      incomeFen: lines.reduce((sum, l) => sum + l.incomeFen, 0),
      spendingFen: lines.reduce((sum, l) => sum + l.spendingFen, 0),
      closingBalanceFen: balance,
      householdsHelped: facts.householdsByYear.get(fund.fundId) ?? 0,
      months: lines,
      spendingByPurpose: facts.spendingByPurpose
        .filter((s) => s.fundId === fund.fundId)
        .map((s) => ({ purpose: s.purpose, label: purposeLabel[s.purpose], amountFen: s.amountFen })),
      donors: {
        named: facts.namedDonors
          .filter((d) => d.fundId === fund.fundId)
          .map(({ name, amountFen, donations }) => ({ name, amountFen, donations })),
        others: { amountFen: others?.amountFen ?? 0, donations: others?.donations ?? 0 },
      },
    };
  });
  return {
    year: facts.year,
    throughMonth: facts.throughMonth,
    funds,
    totals: {
      incomeFen: funds.reduce((sum, f) => sum + f.incomeFen, 0),
      spendingFen: funds.reduce((sum, f) => sum + f.spendingFen, 0),
      closingBalanceFen: funds.reduce((sum, f) => sum + f.closingBalanceFen, 0),
      householdsHelped: funds.reduce((sum, f) => sum + f.householdsHelped, 0),
    },
  };
}
