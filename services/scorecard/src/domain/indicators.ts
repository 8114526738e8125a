// The plan's Annex 2: 19 indicators with their 2020 baseline, 2025 target and kind (B binding
// 约束性, E expected 预期性). Each is either computed from the platform's events or recorded by
// the bureau as dated facts; none is left out.

export type IndicatorKind = 'binding' | 'expected';
export type IndicatorUnit = 'percent' | 'count';
export type IndicatorSource = 'computed' | 'recorded';

export interface Measure {
  key: string;
  /** `null`: the measure is reported for the county only. */
  label: string;
  baseline: number | null;
  target: number;
}

export interface Indicator {
  number: number;
  name: string;
  kind: IndicatorKind;
  unit: IndicatorUnit;
  source: IndicatorSource;
  /** One measure, except #4 (villages / urban communities). */
  measures: Measure[];
  /** How the value is obtained, shown on the card. */
  definition: string;
}

const one = (baseline: number | null, target: number): Measure[] => [
  { key: 'value', label: '', baseline, target },
];

export const indicators: readonly Indicator[] = [
  {
    number: 1,
    name: '困难群众主动发现机制建成率',
    kind: 'binding',
    unit: 'percent',
    source: 'computed',
    measures: one(100, 100),
    definition:
      '有在册经办人、且本期每条预警都在签收时限内签收的社区 ÷ 全部社区；“在册经办人”以该社区预警上出现过经办人为准',
  },
  {
    number: 2,
    name: '有集中供养意愿或生活不能自理的特困人员集中供养率',
    kind: 'binding',
    unit: 'percent',
    source: 'computed',
    measures: one(null, 70),
    definition: '集中供养的特困人员 ÷ 有集中供养意愿或生活不能自理的特困人员（救助系统登记）',
  },
  {
    number: 3,
    name: '开展康复辅助器具社区租赁服务的镇（街道）',
    kind: 'binding',
    unit: 'percent',
    source: 'recorded',
    measures: one(null, 100),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 4,
    name: '每个村（社区）平均社区社会组织数',
    kind: 'expected',
    unit: 'count',
    source: 'recorded',
    measures: [
      { key: 'village', label: '村', baseline: 9, target: 10 },
      { key: 'urban-community', label: '城市社区', baseline: 13, target: 15 },
    ],
    definition: '民政局登记，注明文件号',
  },
  {
    number: 5,
    name: '应参评社会组织中获评等级的比例',
    kind: 'expected',
    unit: 'percent',
    source: 'recorded',
    measures: one(24, 50),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 6,
    name: '建有社会工作服务站的镇（街道）',
    kind: 'expected',
    unit: 'percent',
    source: 'recorded',
    measures: one(null, 100),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 7,
    name: '获评省级“美丽和谐社区”的社区比例',
    kind: 'expected',
    unit: 'percent',
    source: 'recorded',
    measures: one(null, 90),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 8,
    name: '提档升级的镇级儿童“关爱之家”',
    kind: 'binding',
    unit: 'count',
    source: 'recorded',
    measures: one(2, 9),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 9,
    name: '镇级殡仪服务中心',
    kind: 'expected',
    unit: 'count',
    source: 'recorded',
    measures: one(6, 9),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 10,
    name: '镇级公益性骨灰安放设施',
    kind: 'expected',
    unit: 'count',
    source: 'recorded',
    measures: one(8, 10),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 11,
    name: '社区慈善基金',
    kind: 'binding',
    unit: 'count',
    source: 'computed',
    measures: one(6, 9),
    definition: '慈善会开设、尚未撤销的社区慈善基金个数',
  },
  {
    number: 12,
    name: '户籍老年人居家上门服务覆盖率',
    kind: 'binding',
    unit: 'percent',
    source: 'computed',
    measures: one(16.4, 20),
    definition:
      '期末在册家庭中本月至少接受一次已完成、核验无异常上门服务的老人（按订单所属家庭计，每户不超过其60岁及以上户籍人数，计入家庭期末所在镇） ÷ 期末60岁及以上户籍老年人（户籍信息）；另列滚动12个月',
  },
  {
    number: 13,
    name: '完成家庭适老化改造的户数',
    kind: 'expected',
    unit: 'count',
    source: 'computed',
    measures: one(250, 4500),
    definition: '2020年底250户为起点，加上此后完成适老化改造（评估）服务订单的家庭',
  },
  {
    number: 14,
    name: '至少有一所综合性养老服务中心的镇（街道）',
    kind: 'binding',
    unit: 'count',
    source: 'recorded',
    measures: one(null, 10),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 15,
    name: '认知障碍友好社区覆盖率',
    kind: 'binding',
    unit: 'percent',
    source: 'recorded',
    measures: one(null, 80),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 16,
    name: '养老护理员岗前培训率',
    kind: 'binding',
    unit: 'percent',
    source: 'computed',
    measures: one(100, 100),
    definition: '期末在岗、上岗前完成岗前培训的护理员 ÷ 期末在岗护理员（服务机构人员登记）',
  },
  {
    number: 17,
    name: '养老护理员持证率',
    kind: 'binding',
    unit: 'percent',
    source: 'computed',
    measures: one(94.5, 95),
    definition: '期末在岗、已取得职业证书（有证书编号）的护理员 ÷ 期末在岗护理员',
  },
  {
    number: 18,
    name: '设有适老化改造展示厅的镇（街道）',
    kind: 'binding',
    unit: 'count',
    source: 'recorded',
    measures: one(null, 10),
    definition: '民政局登记，注明文件号',
  },
  {
    number: 19,
    name: '组建国有养老服务企业',
    kind: 'expected',
    unit: 'count',
    source: 'recorded',
    measures: one(null, 1),
    definition: '民政局登记，注明文件号',
  },
];

export function indicator(number: number): Indicator | undefined {
  return indicators.find((i) => i.number === number);
}

/** The plan runs from the 2020 baseline (end of December 2020) to the 2025 target (end of 2025). */
export const PLAN_BASELINE_MONTH = '2020-12';
export const PLAN_TARGET_MONTH = '2025-12';
