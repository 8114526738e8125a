import { describe, expect, it } from 'vitest';
import { changesOf, levelAfter } from './transitions.ts';
import type { RiskAssessment } from './yardsticks.ts';

const assessment = (level: RiskAssessment['level'], oop = 100, major: string[] = []): RiskAssessment => ({
  windowStart: '2025-03-02',
  windowEnd: '2026-03-02',
  outOfPocketFen: oop,
  annualIncomeFen: 1,
  householdSize: 1,
  level,
  capacityToPayFen: 0,
  contributingClaimIds: ['C1'],
  contributingClaims: [{ claimId: 'C1', dateOfCare: '2026-01-15', outOfPocketFen: oop }],
  majorIllnessClaimIds: major,
});

describe('announcing risk changes', () => {
  it('flags on entering a higher level, not again while it stays or eases', () => {
    expect(changesOf({ level: null, majorIllnessFlagged: false }, assessment('watch'))).toEqual([
      { kind: 'flag', level: 'watch' },
    ]);
    expect(changesOf({ level: 'watch', majorIllnessFlagged: false }, assessment('severe'))).toEqual([
      { kind: 'flag', level: 'severe' },
    ]);
    expect(changesOf({ level: 'severe', majorIllnessFlagged: false }, assessment('severe'))).toEqual([]);
    expect(changesOf({ level: 'severe', majorIllnessFlagged: false }, assessment('watch'))).toEqual([]);
    expect(levelAfter({ level: 'severe', majorIllnessFlagged: false }, assessment('watch'))).toBe('severe');
  });

  it('clears when the household falls below every threshold, saying why', () => {
    expect(changesOf({ level: 'watch', majorIllnessFlagged: false }, assessment(null, 0))).toEqual([
      { kind: 'clear', level: 'watch', reason: 'left-window' },
    ]);
    expect(changesOf({ level: 'catastrophic', majorIllnessFlagged: false }, assessment(null, 50))).toEqual([
      { kind: 'clear', level: 'catastrophic', reason: 'below-threshold' },
    ]);
  });

  it('flags a 大病 claim once', () => {
    expect(changesOf({ level: null, majorIllnessFlagged: false }, assessment(null, 100, ['C9']))).toEqual([
      { kind: 'flag', level: 'major-illness' },
    ]);
    expect(changesOf({ level: null, majorIllnessFlagged: true }, assessment(null, 100, ['C9']))).toEqual([]);
  });

  it('clears a 大病 flag when no such claim is left, and only then', () => {
    expect(changesOf({ level: null, majorIllnessFlagged: true }, assessment(null, 100, []))).toEqual([
      { kind: 'clear', level: 'major-illness', reason: 'below-threshold' },
    ]);
    expect(changesOf({ level: null, majorIllnessFlagged: true }, assessment(null, 0, []))).toEqual([
      { kind: 'clear', level: 'major-illness', reason: 'left-window' },
    ]);
    expect(changesOf({ level: null, majorIllnessFlagged: false }, assessment(null, 100, []))).toEqual([]);
  });
});
