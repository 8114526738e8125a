import { auditRead, inJurisdiction, type UserPrincipal as Principal } from '@huimin/auth';
import {
  DisbursementApproved,
  DisbursementPaid,
  DisbursementRejected,
  DisbursementRequested,
} from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import { AlertCheckUnavailable, type AlertDirectory } from './alerts/alert-directory.ts';
import { type DisbursementAction, decisionProblem } from './domain/disbursement-rules.ts';
import { disbursementProblem, type JurisdictionTree, type Restriction } from './domain/funds.ts';
import type { Purpose } from './domain/purposes.ts';
import { EVENT_SOURCE } from './donation-book.ts';
import type { CharityMetrics } from './metrics.ts';
import { checkAssistanceApplication } from './store/assistance-applications.ts';
import { type Disbursement, disbursementStore } from './store/disbursement-store.ts';
import type { FundStore } from './store/fund-store.ts';
import { householdStore } from './store/household-store.ts';
import {
  bookTransaction,
  findNetAssetAccount,
  fundAccounts,
  fundBalance,
  InsufficientFunds,
} from './store/ledger.ts';

export interface DisbursementApplication {
  fundId: string;
  householdId: string;
  communityCode: string;
  purpose: Purpose;
  amountFen: number;
  fundedFrom: Restriction;
  alertId?: string | undefined;
  /** The temporary-assistance application this tops up (its household must be the same). */
  assistanceApplicationId?: string | undefined;
  reason: string;
}

/** What an applicant says: the household's community is not theirs to say. */
export type DisbursementRequest = Omit<DisbursementApplication, 'communityCode'>;

export interface DisbursementDeskDeps {
  pool: pg.Pool;
  funds: FundStore;
  alerts: AlertDirectory;
  tree: JurisdictionTree;
  metrics: CharityMetrics;
  logger: Logger;
  now: () => Date;
  newId: () => string;
}

/** Help out of a fund to a household: applied for, approved by someone else, then paid. */
export function createDisbursementDesk(deps: DisbursementDeskDeps) {
  const { pool, funds, alerts, tree, metrics, logger, now, newId } = deps;

  function eventFields(d: Disbursement) {
    return {
      fundId: d.fundId,
      disbursementId: d.disbursementId,
      householdId: d.householdId,
      communityCode: d.communityCode,
      purpose: d.purpose,
      amountFen: d.amountFen,
      fundedFrom: d.fundedFrom,
      ...(d.alertId === undefined ? {} : { alertId: d.alertId }),
      ...(d.assistanceApplicationId === undefined
        ? {}
        : { assistanceApplicationId: d.assistanceApplicationId }),
    };
  }

  /** Loads and locks a disbursement the caller may act on, or says why not. */
  async function lockFor(client: pg.ClientBase, id: string, action: DisbursementAction, actor: Principal) {
    const found = await disbursementStore.get(client, id, { forUpdate: true });
    if (found === undefined || !inJurisdiction(actor, found.communityCode)) {
      throw new AppError('DISBURSEMENT_NOT_FOUND', `no disbursement ${id} in your jurisdiction`);
    }
    const problem = decisionProblem(action, found, actor.userId);
    if (problem !== undefined) throw new AppError(problem.code, problem.message, { status: found.status });
    return found;
  }

  async function checkAlert(alertId: string, householdId: string): Promise<void> {
    let alert: Awaited<ReturnType<AlertDirectory['getAlert']>>;
    try {
      alert = await alerts.getAlert(alertId);
    } catch (err: unknown) {
      if (err instanceof AlertCheckUnavailable) {
        logger.warn({ err, alertId }, 'discovery could not be asked about an alert');
        throw new AppError(
          'ALERT_CHECK_UNAVAILABLE',
          'the alert cannot be checked right now; try again shortly',
        );
      }
      throw err;
    }
    if (alert === undefined) throw new AppError('ALERT_NOT_FOUND', `discovery has no alert ${alertId}`);
    if (alert.householdId !== householdId) {
      throw new AppError('ALERT_MISMATCH', `alert ${alertId} is not about household ${householdId}`);
    }
  }

  return {
    async apply(applicant: Principal, request: DisbursementRequest): Promise<Disbursement> {
      const fund = await funds.get(request.fundId);
      if (fund === undefined) throw new AppError('FUND_NOT_FOUND', `no fund ${request.fundId}`);
      // Where the household lives comes from the household feed charity keeps, never the request.
      const communityCode = await householdStore.communityOf(pool, request.householdId);
      if (communityCode === undefined || !inJurisdiction(applicant, communityCode)) {
        throw new AppError(
          'HOUSEHOLD_NOT_FOUND',
          `no household ${request.householdId} in the registry within your jurisdiction`,
        );
      }
      const application: DisbursementApplication = { ...request, communityCode };
      const problem = disbursementProblem(fund, application, tree);
      if (problem !== undefined) {
        throw new AppError('RESTRICTION_VIOLATED', problem.message, { pointer: problem.pointer });
      }
      if (application.alertId !== undefined) await checkAlert(application.alertId, application.householdId);
      if (application.assistanceApplicationId !== undefined)
        await checkAssistanceApplication(pool, application.assistanceApplicationId, application.householdId);

      const disbursement: Disbursement = {
        ...application,
        disbursementId: newId(),
        status: 'applied',
        applicantId: applicant.userId,
        appliedAt: now(),
      };
      await withTransaction(pool, async (client) => {
        await disbursementStore.insert(client, disbursement);
        await appendEvent(
          client,
          DisbursementRequested,
          {
            ...eventFields(disbursement),
            applicantId: applicant.userId,
            requestedAt: disbursement.appliedAt.toISOString(),
          },
          { source: EVENT_SOURCE, subject: disbursement.disbursementId, now: () => disbursement.appliedAt },
        );
      });
      logger.info(
        { disbursementId: disbursement.disbursementId, fundId: disbursement.fundId },
        'disbursement applied for',
      );
      return disbursement;
    },

    async approve(approver: Principal, id: string): Promise<Disbursement> {
      const decidedAt = now();
      return withTransaction(pool, async (client) => {
        const found = await lockFor(client, id, 'approve', approver);
        await disbursementStore.decide(client, id, {
          status: 'approved',
          approverId: approver.userId,
          decidedAt,
        });
        await appendEvent(
          client,
          DisbursementApproved,
          { ...eventFields(found), approverId: approver.userId, approvedAt: decidedAt.toISOString() },
          { source: EVENT_SOURCE, subject: id, now: () => decidedAt },
        );
        return { ...found, status: 'approved' as const, approverId: approver.userId, decidedAt };
      });
    },

    async reject(approver: Principal, id: string, reason: string): Promise<Disbursement> {
      const decidedAt = now();
      return withTransaction(pool, async (client) => {
        const found = await lockFor(client, id, 'reject', approver);
        await disbursementStore.decide(client, id, {
          status: 'rejected',
          approverId: approver.userId,
          decidedAt,
          rejectionReason: reason,
        });
        await appendEvent(
          client,
          DisbursementRejected,
          { ...eventFields(found), approverId: approver.userId, reason, rejectedAt: decidedAt.toISOString() },
          { source: EVENT_SOURCE, subject: id, now: () => decidedAt },
        );
        return {
          ...found,
          status: 'rejected' as const,
          approverId: approver.userId,
          decidedAt,
          rejectionReason: reason,
        };
      });
    },

    /**
     * Pays an approved disbursement out of the money it names. The fund's accounts are locked for
     * the booking, so payments racing for the same money are served one at a time and the ones
     * that no longer fit are refused with nothing written.
     */
    async pay(payer: Principal, id: string): Promise<Disbursement & { fundBalanceAfterFen: number }> {
      const paidAt = now();
      try {
        const paid = await withTransaction(pool, async (client) => {
          const found = await lockFor(client, id, 'pay', payer);
          const pot = await findNetAssetAccount(client, found.fundId, found.fundedFrom);
          if (pot === undefined) throw new InsufficientFunds('none', 0, found.amountFen);
          const { cash } = await fundAccounts(client, found.fundId, {});
          const transactionId = newId();
          await bookTransaction(client, {
            transactionId,
            kind: 'disbursement',
            referenceId: id,
            bookedAt: paidAt,
            recordedAt: paidAt,
            recordedBy: payer.userId,
            legs: [
              { accountId: pot, amountFen: found.amountFen },
              { accountId: cash, amountFen: -found.amountFen },
            ],
          });
          await disbursementStore.markPaid(client, id, { paidBy: payer.userId, paidAt, transactionId });
          const fundBalanceAfterFen = await fundBalance(client, found.fundId);
          await appendEvent(
            client,
            DisbursementPaid,
            {
              ...eventFields(found),
              approverId: found.approverId ?? '',
              paidBy: payer.userId,
              paidAt: paidAt.toISOString(),
              fundBalanceAfterFen,
            },
            { source: EVENT_SOURCE, subject: id, now: () => paidAt },
          );
          return { ...found, status: 'paid' as const, paidBy: payer.userId, paidAt, fundBalanceAfterFen };
        });
        metrics.disbursementPaid();
        logger.info({ disbursementId: id, fundId: paid.fundId }, 'disbursement paid');
        return paid;
      } catch (err: unknown) {
        if (err instanceof InsufficientFunds) {
          throw new AppError(
            'INSUFFICIENT_FUNDS',
            'the money this disbursement is paid from does not cover it',
            {
              availableFen: err.availableFen,
            },
          );
        }
        throw err;
      }
    },

    /**
     * The help a household applied for and got (the household view asks this): those the viewer may
     * see, audited as a read of the household's record. An unknown household gives an empty list.
     */
    async forHousehold(viewer: Principal, householdId: string): Promise<Disbursement[]> {
      const everywhere =
        viewer.role === 'charity-approver' || viewer.role === 'bureau-admin' || viewer.role === 'auditor';
      const found = (await disbursementStore.forHousehold(pool, householdId, 100)).filter(
        (d) => everywhere || inJurisdiction(viewer, d.communityCode),
      );
      if (found.length > 0) {
        await auditRead(pool, 'charity', {
          reader: viewer,
          subjectType: 'household',
          subjectId: householdId,
          view: 'full',
          purpose: 'charity help of the household',
        });
      }
      return found;
    },

    /** A disbursement with its household: a read of a household's record, so it is audited. */
    async get(viewer: Principal, id: string): Promise<Disbursement> {
      const found = await disbursementStore.get(pool, id);
      // Charity's own staff and the bureau see every fund's applications; others their area only.
      const everywhere =
        viewer.role === 'charity-approver' || viewer.role === 'bureau-admin' || viewer.role === 'auditor';
      if (found === undefined || !(everywhere || inJurisdiction(viewer, found.communityCode))) {
        throw new AppError('DISBURSEMENT_NOT_FOUND', `no disbursement ${id} in your jurisdiction`);
      }
      await auditRead(pool, 'charity', {
        reader: viewer,
        subjectType: 'disbursement',
        subjectId: id,
        view: 'full',
        purpose: `charity disbursement ${found.status}`,
      });
      return found;
    },
  };
}

export type DisbursementDesk = ReturnType<typeof createDisbursementDesk>;
