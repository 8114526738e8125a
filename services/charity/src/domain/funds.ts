import type { Purpose } from './purposes.ts';
import { purposeLabel } from './purposes.ts';

// Taicang's charity funds: the county charity federation (慈善总会), a charity association in
// every town (慈善分会), and community charity funds (社区慈善基金). A fund serves the households
// of its jurisdiction; some funds exist for named purposes only.

export type FundKind = 'county-federation' | 'town-association' | 'community-fund';

export interface Fund {
  fundId: string;
  name: string;
  kind: FundKind;
  /** County (6 digits), town (9) or community (12) the fund serves. */
  jurisdictionCode: string;
  /** The purposes it may spend on; null: any. */
  purposes: readonly Purpose[] | null;
}

/** A donor's restriction (限定性捐赠); empty means unrestricted money. */
export interface Restriction {
  purpose?: Purpose | undefined;
  communityCode?: string | undefined;
}

/** The part of the jurisdiction tree the rules need (from @huimin/contracts' `taicang`). */
export interface JurisdictionTree {
  isCommunity(code: string): boolean;
  isWithin(code: string, ancestorCode: string): boolean;
  nameOf(code: string): string | undefined;
}

/** Why a restriction cannot be honoured, in words a clerk can act on; undefined when it can. */
export type RestrictionProblem = { pointer: string; message: string } | undefined;

/** May a donor restrict money given to this fund like this? */
export function designationProblem(
  fund: Fund,
  restriction: Restriction,
  tree: JurisdictionTree,
): RestrictionProblem {
  const { purpose, communityCode } = restriction;
  if (purpose !== undefined && fund.purposes !== null && !fund.purposes.includes(purpose)) {
    return {
      pointer: '/restriction/purpose',
      message: `${fund.name} does not spend on ${purposeLabel[purpose]} (${purpose})`,
    };
  }
  if (communityCode !== undefined) {
    if (!tree.isCommunity(communityCode)) {
      return { pointer: '/restriction/communityCode', message: `${communityCode} is not a community` };
    }
    if (!tree.isWithin(communityCode, fund.jurisdictionCode)) {
      return {
        pointer: '/restriction/communityCode',
        message: `${tree.nameOf(communityCode)} is outside the area ${fund.name} serves`,
      };
    }
  }
  return undefined;
}

export interface DisbursementTerms {
  purpose: Purpose;
  /** The household's community. */
  communityCode: string;
  /** The money it is paid from. */
  fundedFrom: Restriction;
}

/** May this fund pay this household for this purpose out of this money? */
export function disbursementProblem(
  fund: Fund,
  terms: DisbursementTerms,
  tree: JurisdictionTree,
): RestrictionProblem {
  const { purpose, communityCode, fundedFrom } = terms;
  if (!tree.isCommunity(communityCode)) {
    return { pointer: '/communityCode', message: `${communityCode} is not a community` };
  }
  if (!tree.isWithin(communityCode, fund.jurisdictionCode)) {
    return {
      pointer: '/communityCode',
      message: `the household's community is outside the area ${fund.name} serves`,
    };
  }
  if (fund.purposes !== null && !fund.purposes.includes(purpose)) {
    return { pointer: '/purpose', message: `${fund.name} does not spend on ${purposeLabel[purpose]}` };
  }
  // Charity Law art. 55: restricted donations are used as the donor restricted them.
  if (fundedFrom.purpose !== undefined && fundedFrom.purpose !== purpose) {
    return {
      pointer: '/fundedFrom/purpose',
      message: `money restricted to ${purposeLabel[fundedFrom.purpose]} cannot pay for ${purposeLabel[purpose]}`,
    };
  }
  if (fundedFrom.communityCode !== undefined && fundedFrom.communityCode !== communityCode) {
    return {
      pointer: '/fundedFrom/communityCode',
      message: `money restricted to ${tree.nameOf(fundedFrom.communityCode) ?? fundedFrom.communityCode} cannot help a household elsewhere`,
    };
  }
  return undefined;
}

/** `{ purpose: 'medical' }` → `医疗救助`; the empty restriction → `非限定`. */
export function restrictionLabel(restriction: Restriction, tree: Pick<JurisdictionTree, 'nameOf'>): string {
  const parts: string[] = [];
  if (restriction.purpose !== undefined) parts.push(purposeLabel[restriction.purpose]);
  if (restriction.communityCode !== undefined) {
    parts.push(tree.nameOf(restriction.communityCode) ?? restriction.communityCode);
  }
  return parts.length === 0 ? '非限定' : `限定：${parts.join(' · ')}`;
}
