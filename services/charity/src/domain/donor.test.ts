import { describe, expect, it } from 'vitest';
import { ANONYMOUS_DONOR_LABEL, donorProblem, publicDonorName } from './donor.ts';

describe('publicDonorName', () => {
  it('shows a name only with the donor’s consent', () => {
    expect(publicDonorName({ kind: 'person', name: '张三', publishName: true })).toBe('张三');
    expect(publicDonorName({ kind: 'person', name: '张三', publishName: false })).toBe(ANONYMOUS_DONOR_LABEL);
    expect(publicDonorName({ kind: 'organisation', name: '太仓某公司', publishName: false })).toBe(
      ANONYMOUS_DONOR_LABEL,
    );
    expect(publicDonorName({ kind: 'anonymous', publishName: false })).toBe(ANONYMOUS_DONOR_LABEL);
  });
});

describe('donorProblem', () => {
  it('wants a name for a person or an organisation and none for an anonymous donor', () => {
    expect(donorProblem({ kind: 'person', name: '张三', publishName: false })).toBeUndefined();
    expect(donorProblem({ kind: 'anonymous', publishName: false })).toBeUndefined();
    expect(donorProblem({ kind: 'person', publishName: false })?.pointer).toBe('/donor/name');
    expect(donorProblem({ kind: 'organisation', name: '  ', publishName: false })?.pointer).toBe(
      '/donor/name',
    );
    expect(donorProblem({ kind: 'anonymous', name: '张三', publishName: false })?.pointer).toBe(
      '/donor/name',
    );
    expect(donorProblem({ kind: 'anonymous', publishName: true })?.pointer).toBe('/donor/publishName');
  });
});
