// Donors are people, organisations, or anonymous. A donor's name is published only with their
// consent (Charity Law art. 76 lets donors ask not to be disclosed; we make disclosure opt-in).

export type DonorKind = 'person' | 'organisation' | 'anonymous';

export interface Donor {
  kind: DonorKind;
  /** Absent for anonymous donors. */
  name?: string | undefined;
  /** The donor agreed to have their name on the public disclosure. */
  publishName: boolean;
}

export const ANONYMOUS_DONOR_LABEL = '爱心人士';

/** The name the public may see: the donor's own only when they consented. */
export function publicDonorName(donor: Donor): string {
  if (donor.kind === 'anonymous' || !donor.publishName || donor.name === undefined)
    return ANONYMOUS_DONOR_LABEL;
  return donor.name;
}

/** A donor must be named unless anonymous, and an anonymous donor has no name to publish. */
export function donorProblem(donor: Donor): { pointer: string; message: string } | undefined {
  if (donor.kind === 'anonymous') {
    if (donor.name !== undefined)
      return { pointer: '/donor/name', message: 'an anonymous donor has no name' };
    if (donor.publishName)
      return { pointer: '/donor/publishName', message: 'an anonymous donor has no name to publish' };
    return undefined;
  }
  if (donor.name === undefined || donor.name.trim() === '') {
    return { pointer: '/donor/name', message: `a ${donor.kind} donor needs a name for the receipt` };
  }
  return undefined;
}
