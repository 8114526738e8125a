import { taicang } from '@huimin/contracts';
import { describe, expect, it } from 'vitest';
import { designationProblem, disbursementProblem, type Fund, restrictionLabel } from './funds.ts';

const chengxiang: Fund = {
  fundId: 'fund-320585100',
  name: '城厢镇慈善分会',
  kind: 'town-association',
  jurisdictionCode: '320585100',
  purposes: null,
};
const weiyang = '320585100001'; // 伟阳社区, 城厢镇
const shaxi = '320585109002'; // 印溪社区, 沙溪镇
const studentAid: Fund = { ...chengxiang, fundId: 'fund-edu', name: '助学基金', purposes: ['education'] };

describe('a donor restricting money given to a fund', () => {
  it('may restrict it to a purpose the fund spends on and a community it serves', () => {
    expect(designationProblem(chengxiang, { purpose: 'medical', communityCode: weiyang }, taicang)).toBe(
      undefined,
    );
    expect(designationProblem(chengxiang, {}, taicang)).toBeUndefined();
  });

  it('may not restrict it to a community outside the fund’s area', () => {
    expect(designationProblem(chengxiang, { communityCode: shaxi }, taicang)).toMatchObject({
      pointer: '/restriction/communityCode',
    });
    expect(designationProblem(chengxiang, { communityCode: '320585100' }, taicang)).toMatchObject({
      message: '320585100 is not a community',
    });
  });

  it('may not restrict it to a purpose the fund does not spend on', () => {
    expect(designationProblem(studentAid, { purpose: 'medical' }, taicang)).toMatchObject({
      pointer: '/restriction/purpose',
    });
  });
});

describe('a disbursement', () => {
  it('may use unrestricted money for any purpose in the fund’s area', () => {
    const terms = { purpose: 'education' as const, communityCode: weiyang, fundedFrom: {} };
    expect(disbursementProblem(chengxiang, terms, taicang)).toBeUndefined();
  });

  it('may not spend money restricted to medical help on schooling', () => {
    const terms = {
      purpose: 'education' as const,
      communityCode: weiyang,
      fundedFrom: { purpose: 'medical' as const },
    };
    expect(disbursementProblem(chengxiang, terms, taicang)).toEqual({
      pointer: '/fundedFrom/purpose',
      message: 'money restricted to 医疗救助 cannot pay for 助学',
    });
  });

  it('may not spend money restricted to one community on a household of another', () => {
    const other = '320585100002';
    const terms = {
      purpose: 'medical' as const,
      communityCode: other,
      fundedFrom: { communityCode: weiyang },
    };
    expect(disbursementProblem(chengxiang, terms, taicang)).toMatchObject({
      pointer: '/fundedFrom/communityCode',
    });
  });

  it('may not help a household outside the fund’s area, or for a purpose the fund does not serve', () => {
    expect(
      disbursementProblem(chengxiang, { purpose: 'medical', communityCode: shaxi, fundedFrom: {} }, taicang),
    ).toMatchObject({ pointer: '/communityCode' });
    expect(
      disbursementProblem(
        studentAid,
        { purpose: 'medical', communityCode: weiyang, fundedFrom: {} },
        taicang,
      ),
    ).toMatchObject({ pointer: '/purpose' });
  });
});

describe('restrictionLabel', () => {
  it('names the purpose and the community in Chinese', () => {
    expect(restrictionLabel({}, taicang)).toBe('非限定');
    expect(restrictionLabel({ purpose: 'medical', communityCode: weiyang }, taicang)).toBe(
      `限定：医疗救助 · ${taicang.nameOf(weiyang)}`,
    );
  });
});
