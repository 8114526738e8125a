// The jurisdiction tree alerts are routed by: county → towns and street offices (镇 / 街道) →
// communities and villages (社区 / 村), by statistical division codes (6, 9 and 12 digits).
// "Community" in the platform means the grassroots level as a whole (村（社区）): a residents'
// committee or a villagers' committee; `kind` tells which.

export type JurisdictionLevel = 'county' | 'town' | 'community';
export type JurisdictionKind = 'county' | 'town' | 'street-office' | 'community' | 'village';

export interface JurisdictionUnit {
  code: string;
  name: string;
  level: JurisdictionLevel;
  kind: JurisdictionKind;
  /** Absent only for the county. */
  parentCode?: string;
}

/** The shape of the data file (`taicang.json`). */
export interface JurisdictionData {
  county: { code: string; name: string };
  towns: ReadonlyArray<{
    code: string;
    name: string;
    kind: 'town' | 'street-office';
    communities: ReadonlyArray<{ code: string; name: string; kind: 'community' | 'village' }>;
  }>;
}

export interface Jurisdiction {
  county: JurisdictionUnit;
  /** The unit with this code, or undefined. */
  unit(code: string): JurisdictionUnit | undefined;
  nameOf(code: string): string | undefined;
  /** True for a code at the grassroots level (a community or a village) in this tree. */
  isCommunity(code: string): boolean;
  /** True for a town or street office in this tree. */
  isTown(code: string): boolean;
  /** The town or street office a community belongs to, or undefined when the code is no community here. */
  townOf(communityCode: string): JurisdictionUnit | undefined;
  /** Direct children, in code order; empty for a community or an unknown code. */
  children(code: string): JurisdictionUnit[];
  /** The units from the county down to this code, or an empty list for an unknown code. */
  path(code: string): JurisdictionUnit[];
  /** True when `code` is `ancestorCode` or lies below it (a handler of a town sees its communities). */
  isWithin(code: string, ancestorCode: string): boolean;
  towns(): JurisdictionUnit[];
  communities(): JurisdictionUnit[];
}

/** Builds the tree from its data file, refusing data whose codes do not nest or repeat. */
export function createJurisdiction(data: JurisdictionData): Jurisdiction {
  const byCode = new Map<string, JurisdictionUnit>();
  const childrenOf = new Map<string, JurisdictionUnit[]>();

  const add = (unit: JurisdictionUnit): void => {
    if (byCode.has(unit.code)) throw new Error(`jurisdiction code ${unit.code} appears twice`);
    byCode.set(unit.code, unit);
    if (unit.parentCode !== undefined) {
      const siblings = childrenOf.get(unit.parentCode) ?? [];
      siblings.push(unit);
      childrenOf.set(unit.parentCode, siblings);
    }
  };

  if (!/^\d{6}$/.test(data.county.code)) throw new Error('a county code has 6 digits');
  const county: JurisdictionUnit = {
    code: data.county.code,
    name: data.county.name,
    level: 'county',
    kind: 'county',
  };
  add(county);
  for (const town of data.towns) {
    if (!new RegExp(`^${county.code}\\d{3}$`).test(town.code)) {
      throw new Error(`town code ${town.code} is not 9 digits under ${county.code}`);
    }
    add({ code: town.code, name: town.name, level: 'town', kind: town.kind, parentCode: county.code });
    for (const community of town.communities) {
      if (!new RegExp(`^${town.code}\\d{3}$`).test(community.code)) {
        throw new Error(`community code ${community.code} is not 12 digits under ${town.code}`);
      }
      add({
        code: community.code,
        name: community.name,
        level: 'community',
        kind: community.kind,
        parentCode: town.code,
      });
    }
  }
  for (const list of childrenOf.values()) list.sort((a, b) => a.code.localeCompare(b.code));

  const unit = (code: string): JurisdictionUnit | undefined => byCode.get(code);
  const path = (code: string): JurisdictionUnit[] => {
    const chain: JurisdictionUnit[] = [];
    for (let current = byCode.get(code); current; ) {
      chain.unshift(current);
      current = current.parentCode === undefined ? undefined : byCode.get(current.parentCode);
    }
    return chain;
  };

  return {
    county,
    unit,
    nameOf: (code) => byCode.get(code)?.name,
    isCommunity: (code) => byCode.get(code)?.level === 'community',
    isTown: (code) => byCode.get(code)?.level === 'town',
    townOf: (communityCode) => {
      const found = byCode.get(communityCode);
      if (found?.level !== 'community' || found.parentCode === undefined) return undefined;
      return byCode.get(found.parentCode);
    },
    children: (code) => [...(childrenOf.get(code) ?? [])],
    path,
    isWithin: (code, ancestorCode) => path(code).some((u) => u.code === ancestorCode),
    towns: () => [...(childrenOf.get(county.code) ?? [])],
    communities: () => [...byCode.values()].filter((u) => u.level === 'community'),
  };
}
