import type { Sex } from '@huimin/contracts';
import type { Random } from './random.ts';

// Chinese names for synthetic people: a surname, then a given name typical of the person's
// generation and sex. Weights lean towards surnames common in southern Jiangsu (陆, 顾, 沈, 钱, 朱
// are frequent around Taicang); the lists are illustrative, not a census.

const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 8],
  ['张', 6],
  ['陆', 6],
  ['顾', 6],
  ['陈', 6],
  ['朱', 5],
  ['徐', 5],
  ['沈', 5],
  ['周', 5],
  ['钱', 4],
  ['李', 4],
  ['吴', 4],
  ['黄', 3],
  ['杨', 3],
  ['孙', 3],
  ['刘', 3],
  ['施', 3],
  ['蒋', 2],
  ['金', 2],
  ['范', 2],
  ['唐', 2],
  ['许', 2],
  ['邵', 2],
  ['郁', 2],
  ['浦', 1],
  ['龚', 2],
  ['秦', 1],
  ['姚', 2],
  ['夏', 1],
  ['冯', 1],
  ['赵', 2],
  ['胡', 2],
  ['曹', 1],
  ['盛', 1],
  ['严', 1],
  ['倪', 1],
  ['缪', 1],
  ['瞿', 1],
  ['殷', 1],
  ['马', 1],
];

// Given names by birth cohort: names people of that generation were commonly given.
const GIVEN: Record<'before1960' | 'before1985' | 'later', Record<Sex, readonly string[]>> = {
  before1960: {
    male: [
      '建国',
      '国强',
      '志明',
      '福生',
      '金根',
      '根林',
      '德兴',
      '永康',
      '国平',
      '文华',
      '炳荣',
      '振华',
      '学军',
      '桂林',
    ],
    female: [
      '秀英',
      '桂英',
      '玉兰',
      '凤英',
      '美娟',
      '金妹',
      '雪珍',
      '月娥',
      '秀珍',
      '小妹',
      '翠英',
      '彩娣',
      '惠芬',
    ],
  },
  before1985: {
    male: [
      '伟',
      '军',
      '勇',
      '斌',
      '强',
      '建华',
      '卫东',
      '晓东',
      '海峰',
      '春雷',
      '志刚',
      '云飞',
      '立新',
      '俊',
    ],
    female: ['芳', '丽', '红', '燕', '静', '敏', '丽娟', '晓燕', '雪梅', '婷', '慧', '琴', '春燕', '秀丽'],
  },
  later: {
    male: [
      '浩',
      '宇轩',
      '子豪',
      '俊杰',
      '梓涵',
      '浩然',
      '一鸣',
      '思远',
      '天佑',
      '明轩',
      '博文',
      '睿',
      '子墨',
      '铭',
    ],
    female: [
      '欣怡',
      '子涵',
      '雨桐',
      '诗涵',
      '梓萱',
      '可馨',
      '佳怡',
      '思琪',
      '一诺',
      '语嫣',
      '若汐',
      '婧',
      '悦',
      '梦瑶',
    ],
  },
};

export function pickSurname(random: Random): string {
  return random.weighted(SURNAMES);
}

export function pickGivenName(random: Random, sex: Sex, birthDate: string): string {
  const cohort = birthDate < '1960-01-01' ? 'before1960' : birthDate < '1985-01-01' ? 'before1985' : 'later';
  return random.pick(GIVEN[cohort][sex]);
}
