import { describe, expect, it } from 'vitest';
import {
  children,
  createJurisdiction,
  isCommunity,
  isTown,
  isWithin,
  nameOf,
  path,
  taicang,
  townOf,
} from './index.ts';

describe('the Taicang jurisdiction table', () => {
  it('has Taicang at the root with its present-day towns and street offices', () => {
    expect(taicang.county).toMatchObject({ code: '320585', name: '太仓市', level: 'county' });
    const names = taicang.towns().map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '城厢镇',
        '沙溪镇',
        '浏河镇',
        '浮桥镇',
        '璜泾镇',
        '双凤镇',
        '娄东街道',
        '陆渡街道',
      ]),
    );
    expect(names).toHaveLength(8);
    for (const town of taicang.towns()) {
      expect(town.code).toMatch(/^320585\d{3}$/);
      expect(taicang.children(town.code).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('holds about forty communities with 12-digit codes under their town', () => {
    const communities = taicang.communities();
    expect(communities.length).toBeGreaterThanOrEqual(35);
    expect(communities.length).toBeLessThanOrEqual(50);
    for (const c of communities) {
      expect(c.code).toMatch(/^\d{12}$/);
      expect(c.code.startsWith(c.parentCode ?? 'none')).toBe(true);
    }
  });

  it('finds the town of a community, and nothing for a town or an unknown code', () => {
    expect(townOf('320585100001')).toMatchObject({ code: '320585100', name: '城厢镇' });
    expect(nameOf('320585100001')).toBe('伟阳社区');
    expect(townOf('320585100')).toBeUndefined();
    expect(townOf('320585100999')).toBeUndefined();
    expect(townOf('110105001001')).toBeUndefined();
  });

  it('tells communities from towns', () => {
    expect(isCommunity('320585109201')).toBe(true);
    expect(isCommunity('320585109')).toBe(false);
    expect(isCommunity('320585')).toBe(false);
    expect(isTown('320585109')).toBe(true);
    expect(isTown('320585109201')).toBe(false);
  });

  it('lists children in code order and the path from the county down', () => {
    expect(children('320585').map((u) => u.code)).toEqual([...children('320585').map((u) => u.code)].sort());
    expect(children('320585105').map((u) => u.name)).toEqual([
      '凤中社区',
      '新湖社区',
      '庆丰村',
      '勤力村',
      '维新村',
    ]);
    expect(children('320585105001')).toEqual([]);
    expect(path('320585105201').map((u) => u.name)).toEqual(['太仓市', '双凤镇', '庆丰村']);
    expect(path('999999')).toEqual([]);
  });

  it('answers whether a code lies within another (a town handler sees its communities)', () => {
    expect(isWithin('320585105201', '320585105')).toBe(true);
    expect(isWithin('320585105201', '320585')).toBe(true);
    expect(isWithin('320585105201', '320585100')).toBe(false);
    expect(isWithin('320585105', '320585105201')).toBe(false);
  });
});

describe('createJurisdiction', () => {
  const base = { county: { code: '320585', name: '太仓市' } };

  it('refuses codes that do not nest under their parent', () => {
    expect(() =>
      createJurisdiction({
        ...base,
        towns: [{ code: '320586100', name: 'x', kind: 'town', communities: [] }],
      }),
    ).toThrow(/not 9 digits under 320585/);
    expect(() =>
      createJurisdiction({
        ...base,
        towns: [
          {
            code: '320585100',
            name: 'x',
            kind: 'town',
            communities: [{ code: '320585101001', name: 'y', kind: 'community' }],
          },
        ],
      }),
    ).toThrow(/not 12 digits under 320585100/);
  });

  it('refuses a repeated code', () => {
    const town = { code: '320585100', name: 'x', kind: 'town' as const, communities: [] };
    expect(() => createJurisdiction({ ...base, towns: [town, town] })).toThrow(/appears twice/);
  });
});
