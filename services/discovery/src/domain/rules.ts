import { type Static, Type } from '@sinclair/typebox';
import { type Priority, priorities } from './priority.ts';

/**
 * What discovery hears, by signal code. The rules (data, versioned, edited through the admin API)
 * map each code to an alert type and a priority, or to `ignore`.
 */
export const signalCodes = [
  'risk.watch',
  'risk.catastrophic',
  'risk.severe',
  'risk.major-illness',
  'gap.eligible-not-receiving',
  'gap.receiving-not-eligible',
  'disability.certified-severe',
  'disability.certified',
  'department.death',
  'department.unemployment',
  'department.hospitalisation',
  'department.grid-worker-report',
  'eldercare.check-on-missed',
  'eldercare.check-on-missed-repeated',
  'manual.walk-in',
  'manual.hotline',
  'manual.grid-worker',
] as const;
export type SignalCode = (typeof signalCodes)[number];

const TypeCode = Type.String({ pattern: '^[a-z][a-z0-9-]{1,47}$' });

export const RuleSetSchema = Type.Object(
  {
    types: Type.Record(
      TypeCode,
      Type.Object(
        { title: Type.String({ minLength: 1, maxLength: 40 }) },
        {
          additionalProperties: false,
        },
      ),
      { description: 'alert types and their Chinese titles' },
    ),
    rules: Type.Array(
      Type.Object(
        {
          signal: Type.Union(signalCodes.map((c) => Type.Literal(c))),
          type: TypeCode,
          priority: Type.Union([...priorities.map((p) => Type.Literal(p)), Type.Literal('ignore')]),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type RuleSet = Static<typeof RuleSetSchema>;

export type Verdict =
  | { action: 'ignore' }
  | { action: 'alert'; type: string; title: string; priority: Priority };

/** Semantic checks beyond the schema: every signal has exactly one rule, every type a title. */
export function ruleSetProblems(set: RuleSet): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const rule of set.rules) {
    if (seen.has(rule.signal)) problems.push(`signal ${rule.signal} has more than one rule`);
    seen.add(rule.signal);
    if (rule.priority !== 'ignore' && !set.types[rule.type]) problems.push(`type ${rule.type} has no title`);
  }
  for (const code of signalCodes) if (!seen.has(code)) problems.push(`signal ${code} has no rule`);
  return problems;
}

export function decide(set: RuleSet, signal: SignalCode): Verdict {
  const rule = set.rules.find((r) => r.signal === signal);
  if (!rule || rule.priority === 'ignore') return { action: 'ignore' };
  return {
    action: 'alert',
    type: rule.type,
    title: set.types[rule.type]?.title ?? rule.type,
    priority: rule.priority,
  };
}

export function titleOf(set: RuleSet, type: string): string | undefined {
  return set.types[type]?.title;
}

/** The rules discovery starts with (version 1). */
export const defaultRuleSet: RuleSet = {
  types: {
    'medical-hardship': { title: '因病致贫风险' },
    'major-illness': { title: '大病医疗支出' },
    'eligible-not-receiving': { title: '符合条件未享受救助' },
    'receiving-not-eligible': { title: '享受救助可能已不符合条件' },
    'severe-disability': { title: '新认定重度残疾' },
    'household-death': { title: '家庭成员死亡' },
    unemployment: { title: '登记失业' },
    hospitalisation: { title: '住院' },
    'grid-worker-report': { title: '网格员上报' },
    'check-on-missed': { title: '独居老人关爱未到' },
    'walk-in': { title: '来访求助' },
    hotline: { title: '热线求助' },
  },
  rules: [
    { signal: 'risk.watch', type: 'medical-hardship', priority: 'P3' },
    { signal: 'risk.catastrophic', type: 'medical-hardship', priority: 'P2' },
    { signal: 'risk.severe', type: 'medical-hardship', priority: 'P1' },
    { signal: 'risk.major-illness', type: 'major-illness', priority: 'P2' },
    { signal: 'gap.eligible-not-receiving', type: 'eligible-not-receiving', priority: 'P2' },
    { signal: 'gap.receiving-not-eligible', type: 'receiving-not-eligible', priority: 'P3' },
    { signal: 'disability.certified-severe', type: 'severe-disability', priority: 'P2' },
    { signal: 'disability.certified', type: 'severe-disability', priority: 'ignore' },
    { signal: 'department.death', type: 'household-death', priority: 'P2' },
    { signal: 'department.unemployment', type: 'unemployment', priority: 'P3' },
    { signal: 'department.hospitalisation', type: 'hospitalisation', priority: 'P3' },
    { signal: 'department.grid-worker-report', type: 'grid-worker-report', priority: 'P2' },
    { signal: 'eldercare.check-on-missed', type: 'check-on-missed', priority: 'P2' },
    { signal: 'eldercare.check-on-missed-repeated', type: 'check-on-missed', priority: 'P1' },
    { signal: 'manual.walk-in', type: 'walk-in', priority: 'P3' },
    { signal: 'manual.hotline', type: 'hotline', priority: 'P3' },
    { signal: 'manual.grid-worker', type: 'grid-worker-report', priority: 'P2' },
  ],
};
