import { describe, expect, it } from 'vitest';
import { decide, defaultRuleSet, ruleSetProblems, withRulesForNewSignals } from './rules.ts';

describe('alert rules', () => {
  it('maps each signal to a type and priority, or ignores it', () => {
    expect(decide(defaultRuleSet, 'risk.severe')).toEqual({
      action: 'alert',
      type: 'medical-hardship',
      title: '因病致贫风险',
      priority: 'P1',
    });
    expect(decide(defaultRuleSet, 'disability.certified')).toEqual({ action: 'ignore' });
    expect(ruleSetProblems(defaultRuleSet)).toEqual([]);
  });

  it('finds a missing rule, a duplicated one, and a type without a title', () => {
    const [first, ...rest] = defaultRuleSet.rules;
    expect(
      ruleSetProblems({
        types: defaultRuleSet.types,
        rules: [...rest, { signal: 'risk.severe', type: 'unheard-of', priority: 'P1' }],
      }),
    ).toEqual([
      'signal risk.severe has more than one rule',
      'type unheard-of has no title',
      `signal ${first?.signal} has no rule`,
    ]);
  });

  it('grade 3–4 intellectual or mental disability reaches a handler like grade 1–2; data missing is low priority', () => {
    expect(decide(defaultRuleSet, 'disability.certified-severe-mental')).toMatchObject({
      action: 'alert',
      type: 'severe-disability',
      priority: 'P2',
    });
    expect(decide(defaultRuleSet, 'disability.certified-subsidised')).toEqual({ action: 'ignore' });
    expect(decide(defaultRuleSet, 'eligibility.needs-review')).toEqual({
      action: 'alert',
      type: 'data-missing',
      title: '数据缺失待核实',
      priority: 'P4',
    });
  });

  it('severe pushed below the line and already below it have priorities of their own', () => {
    expect(decide(defaultRuleSet, 'risk.severe')).toMatchObject({ priority: 'P1' });
    expect(decide(defaultRuleSet, 'risk.severe-already-below-assisted')).toMatchObject({ priority: 'P2' });
    expect(decide(defaultRuleSet, 'risk.severe-already-below-unassisted')).toMatchObject({ priority: 'P1' });
  });

  it('a stored version without the new signals gains their defaults in a next version; its own choices stay', () => {
    const older = {
      types: { ...defaultRuleSet.types },
      rules: defaultRuleSet.rules
        .filter((r) => !['disability.certified-severe-mental', 'eligibility.needs-review'].includes(r.signal))
        .map((r) => (r.signal === 'risk.watch' ? { ...r, priority: 'ignore' as const } : r)),
    };
    delete (older.types as Record<string, unknown>)['data-missing'];
    const next = withRulesForNewSignals(older);
    expect(next?.added).toEqual(['disability.certified-severe-mental', 'eligibility.needs-review']);
    expect(ruleSetProblems(next?.set ?? older)).toEqual([]);
    expect(decide(next?.set ?? older, 'risk.watch')).toEqual({ action: 'ignore' });
    expect(decide(next?.set ?? older, 'eligibility.needs-review')).toMatchObject({ title: '数据缺失待核实' });
    expect(withRulesForNewSignals(defaultRuleSet)).toBeUndefined();
  });
});
