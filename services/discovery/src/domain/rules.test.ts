import { describe, expect, it } from 'vitest';
import { decide, defaultRuleSet, ruleSetProblems } from './rules.ts';

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
});
