import type { UserPrincipal } from '@huimin/auth';
import { TemporaryAssistancePaid } from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import { AppError } from '@huimin/kit';
import type { AlertDesk } from '../alert-desk.ts';

// The assistance service's payments close the alerts they came from: a temporary-assistance grant
// paid for an alert resolves it with the outcome `temporary-assistance`, the amount in the history.
// Kept beside the signal intake, not in it: it only ever resolves, through the desk's own step.

function yuan(fen: number): string {
  return `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
}

export function assistanceGrantHandlers(desk: AlertDesk): EventHandler[] {
  return [
    on(TemporaryAssistancePaid, async (p) => {
      if (!p.alertId) return;
      // The person who recorded the payment, acting where the grant's household lives: the desk
      // still checks the alert is in that community, so a grant never closes another's alert.
      const actor: UserPrincipal = {
        kind: 'user',
        userId: p.recordedBy,
        role: 'bureau-admin',
        jurisdictions: [p.communityCode],
      };
      try {
        await desk.resolve(
          p.alertId,
          actor,
          'temporary-assistance',
          `临时救助已发放 ${yuan(p.amountFen)} 元（申请 ${p.applicationId}，支付凭证 ${p.paymentReference}）`,
        );
      } catch (err) {
        // Already closed (by a handler, or this event seen before), or not this community's alert:
        // nothing to resolve.
        if (err instanceof AppError && (err.code === 'INVALID_STATE' || err.code === 'ALERT_NOT_FOUND'))
          return;
        throw err;
      }
    }),
  ];
}
