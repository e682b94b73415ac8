import { useLocation } from 'wouter';
import { unwrap } from '../../api/errors';
import type { Session } from '../../api/session';
import { ConfirmButton } from '../../components/confirm-button';
import { consequenceOf, type ConsequenceFacts } from './action-consequences';
import { legalActions, type ActionContext, type OperatorAction } from './campaign-actions';

const LABELS: Record<OperatorAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  advance: 'Advance',
  cancel: 'Cancel',
  rollback: 'Roll back',
  retry: 'Retry failed devices',
};

/** Actions that record a free-text reason (approve: as its comment). */
const ASKS_REASON: ReadonlySet<OperatorAction> = new Set(['approve', 'reject', 'pause', 'cancel', 'rollback']);
const DANGEROUS: ReadonlySet<OperatorAction> = new Set(['reject', 'cancel', 'rollback']);

interface Props {
  session: Session;
  campaignId: string;
  context: ActionContext;
  facts: ConsequenceFacts;
  /** Read the campaign again after an action changed it. */
  onChanged: () => void;
}

/** The operator actions legal in the campaign's status, each confirmed with what it will do. */
export function CampaignActionsBar({ session, campaignId, context, facts, onChanged }: Props) {
  const [, navigate] = useLocation();
  const actions = legalActions(context);
  if (actions.length === 0) return null;

  const path = { campaign_id: campaignId };
  const withReason = (reason: string) => (reason ? { reason } : {});
  const send = async (action: OperatorAction, reason: string): Promise<void> => {
    const { client } = session;
    switch (action) {
      case 'approve':
      case 'reject':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/approve', { params: { path }, body: { approved: action === 'approve', ...(reason ? { approval_comment: reason } : {}) } }));
        break;
      case 'start':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/start', { params: { path } }));
        break;
      case 'pause':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/pause', { params: { path }, body: withReason(reason) }));
        break;
      case 'resume':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/resume', { params: { path } }));
        break;
      case 'advance':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/advance', { params: { path } }));
        break;
      case 'cancel':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/cancel', { params: { path }, body: withReason(reason) }));
        break;
      case 'rollback':
        await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/rollback', { params: { path }, body: withReason(reason) }));
        break;
      case 'retry': {
        const created = await unwrap(client.POST('/api/v1/campaigns/{campaign_id}/retry', { params: { path } }));
        navigate(`/campaigns/${created.campaign_id}`);
        return;
      }
    }
    onChanged();
  };

  return (
    <div className="toolbar campaign-actions" role="group" aria-label="Campaign actions">
      {actions.map((action) => (
        <ConfirmButton
          key={action}
          label={LABELS[action]}
          consequence={consequenceOf(action, facts)}
          askReason={ASKS_REASON.has(action)}
          danger={DANGEROUS.has(action)}
          onConfirm={(reason) => send(action, reason)}
        />
      ))}
    </div>
  );
}
