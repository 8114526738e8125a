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
  'risk.severe-already-below-assisted',
  'risk.severe-already-below-unassisted',
  'risk.major-illness',
  'gap.eligible-not-receiving',
  'gap.receiving-not-eligible',
  'disability.certified-severe',
  'disability.certified-severe-mental',
  'disability.certified-subsidised',
  'disability.certified',
  'eligibility.needs-review',
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
    'data-missing': { title: '数据缺失待核实' },
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
    // 因病致贫: medical costs took the household from at or above the dibao line to below it.
    { signal: 'risk.severe', type: 'medical-hardship', priority: 'P1' },
    // Below the line before any care, already receiving dibao or tekun: medical-assistance follow-up.
    { signal: 'risk.severe-already-below-assisted', type: 'medical-hardship', priority: 'P2' },
    // Below the line, receiving neither: the eligibility gap, as urgent as being pushed below.
    { signal: 'risk.severe-already-below-unassisted', type: 'medical-hardship', priority: 'P1' },
    { signal: 'risk.major-illness', type: 'major-illness', priority: 'P2' },
    { signal: 'gap.eligible-not-receiving', type: 'eligible-not-receiving', priority: 'P2' },
    { signal: 'gap.receiving-not-eligible', type: 'receiving-not-eligible', priority: 'P3' },
    { signal: 'disability.certified-severe', type: 'severe-disability', priority: 'P2' },
    // The nursing subsidy covers grade 3–4 intellectual and mental disability too (两项补贴).
    { signal: 'disability.certified-severe-mental', type: 'severe-disability', priority: 'P2' },
    // A severe certificate for a household that already receives the nursing subsidy.
    { signal: 'disability.certified-subsidised', type: 'severe-disability', priority: 'ignore' },
    { signal: 'disability.certified', type: 'severe-disability', priority: 'ignore' },
    // Eligibility could not decide for want of a fact (income, assets) for longer than the grace.
    { signal: 'eligibility.needs-review', type: 'data-missing', priority: 'P4' },
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

/**
 * A rule set extended with the default rule (and type title) of every signal it has no rule for:
 * the next version to append when discovery learns new signals, so the stored versions stay as
 * they were. Undefined when nothing is missing.
 */
export function withRulesForNewSignals(set: RuleSet): { set: RuleSet; added: SignalCode[] } | undefined {
  const known = new Set(set.rules.map((r) => r.signal));
  const added = signalCodes.filter((code) => !known.has(code));
  if (added.length === 0) return undefined;
  const rules = [...set.rules];
  const types = { ...set.types };
  for (const code of added) {
    const rule = defaultRuleSet.rules.find((r) => r.signal === code);
    if (!rule) continue;
    rules.push(rule);
    const title = defaultRuleSet.types[rule.type];
    if (!types[rule.type] && title) types[rule.type] = title;
  }
  return { set: { types, rules }, added };
}
