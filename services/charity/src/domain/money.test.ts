import { describe, expect, it } from 'vitest';
import { chineseCapitalAmount, fenFromYuanText, yuanText } from './money.ts';

describe('chineseCapitalAmount', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [50, '伍角'],
    [10_000, '壹佰元整'],
    [10_050, '壹佰元伍角'],
    [10_005, '壹佰元零伍分'],
    [100_500, '壹仟零伍元整'],
    [1_000_000, '壹万元整'],
    [1_000_500, '壹万零伍元整'],
    [12_345_678, '壹拾贰万叁仟肆佰伍拾陆元柒角捌分'],
    [10_000_000_000, '壹亿元整'],
    [10_000_100_000, '壹亿零壹仟元整'],
    [2_030_040_000, '贰仟零叁拾万零肆佰元整'],
  ])('%i fen reads %s', (fen, text) => {
    expect(chineseCapitalAmount(fen)).toBe(text);
  });

  it('refuses fractions of a fen and negative amounts', () => {
    expect(() => chineseCapitalAmount(1.5)).toThrow(RangeError);
    expect(() => chineseCapitalAmount(-1)).toThrow(RangeError);
  });
});

describe('fenFromYuanText', () => {
  it('reads provider amounts exactly', () => {
    expect(fenFromYuanText('2.00')).toBe(200);
    expect(fenFromYuanText('0.5')).toBe(50);
    expect(fenFromYuanText('100')).toBe(10_000);
    expect(fenFromYuanText('0.29')).toBe(29); // 0.29 * 100 is 28.999… as a float
  });

  it('refuses anything that is not a plain non-negative amount with at most two decimals', () => {
    for (const text of ['', '-1.00', '1.234', '1e3', ' 1', '01.00', '1.', '.5', 'NaN']) {
      expect([text, fenFromYuanText(text)]).toEqual([text, undefined]);
    }
  });
});

describe('yuanText', () => {
  it('shows yuan with two decimals and thousands separators', () => {
    expect(yuanText(123_456)).toBe('1,234.56');
    expect(yuanText(5)).toBe('0.05');
    expect(yuanText(-1_000)).toBe('-10.00');
  });
});
