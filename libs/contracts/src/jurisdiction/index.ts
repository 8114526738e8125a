import { createJurisdiction, type JurisdictionData } from './jurisdiction.ts';
import data from './taicang.json' with { type: 'json' };

export type {
  Jurisdiction,
  JurisdictionData,
  JurisdictionKind,
  JurisdictionLevel,
  JurisdictionUnit,
} from './jurisdiction.ts';
export { createJurisdiction } from './jurisdiction.ts';

/** Taicang (太仓市, 320585): the platform's own jurisdiction table, loaded from `taicang.json`. */
export const taicang = createJurisdiction(data as JurisdictionData);

export const TAICANG_COUNTY_CODE = taicang.county.code;

export const { townOf, isCommunity, isTown, children, path, nameOf, isWithin } = taicang;
