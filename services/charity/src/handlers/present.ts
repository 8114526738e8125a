import { maskName } from '@huimin/kit';
import type { Disbursement } from '../store/disbursement-store.ts';
import type { Donation } from '../store/donation-store.ts';

/** A donation for staff: the donor's name masked (the receipt PDF carries it in full for the donor). */
export function presentDonation(d: Donation, receiptPath: string) {
  return {
    donationId: d.donationId,
    receiptNumber: d.receiptNumber,
    fundId: d.fundId,
    amountFen: d.amountFen,
    channel: d.channel,
    restriction: d.restriction,
    donor: {
      kind: d.donor.kind,
      ...(d.donor.name === undefined ? {} : { name: maskName(d.donor.name) }),
      publishName: d.donor.publishName,
    },
    receivedAt: d.receivedAt.toISOString(),
    recordedAt: d.recordedAt.toISOString(),
    receiptUrl: receiptPath,
    ...(d.reversal === undefined
      ? {}
      : {
          reversal: {
            reason: d.reversal.reason,
            reversedBy: d.reversal.reversedBy,
            reversedAt: d.reversal.reversedAt.toISOString(),
          },
        }),
  };
}

export function presentDisbursement(d: Disbursement & { fundBalanceAfterFen?: number }) {
  return {
    disbursementId: d.disbursementId,
    fundId: d.fundId,
    householdId: d.householdId,
    communityCode: d.communityCode,
    purpose: d.purpose,
    amountFen: d.amountFen,
    fundedFrom: d.fundedFrom,
    ...(d.alertId === undefined ? {} : { alertId: d.alertId }),
    ...(d.assistanceApplicationId === undefined
      ? {}
      : { assistanceApplicationId: d.assistanceApplicationId }),
    reason: d.reason,
    status: d.status,
    applicantId: d.applicantId,
    appliedAt: d.appliedAt.toISOString(),
    ...(d.approverId === undefined ? {} : { approverId: d.approverId }),
    ...(d.decidedAt === undefined ? {} : { decidedAt: d.decidedAt.toISOString() }),
    ...(d.rejectionReason === undefined ? {} : { rejectionReason: d.rejectionReason }),
    ...(d.paidBy === undefined ? {} : { paidBy: d.paidBy }),
    ...(d.paidAt === undefined ? {} : { paidAt: d.paidAt.toISOString() }),
    ...(d.fundBalanceAfterFen === undefined ? {} : { fundBalanceAfterFen: d.fundBalanceAfterFen }),
  };
}
