import { useMemo } from 'react';
import type { OtaClient } from '../../../../clients/typescript';
import { unwrap } from '../../api/errors';
import { type Resource, useDebounced, useResource } from '../../api/use-resource';
import { type CampaignForm, type PreviewRequests, previewRequestsOf } from './campaign-form';
import type { CampaignPlan, TargetPreview } from './campaign-vocabulary';

/** How long the operator's typing must pause before the preview and the plan are asked for. */
export const PREVIEW_DEBOUNCE_MS = 400;

export interface CampaignPreview {
  requests: PreviewRequests;
  preview: Resource<TargetPreview | undefined>;
  plan: Resource<CampaignPlan | undefined>;
  /** The form changed since the last calls: their answers are about to be replaced. */
  settling: boolean;
}

/**
 * The live target count and dry-run plan of the form. Each call is made once the typing pauses,
 * only when its body changed, and a call overtaken by a newer one is aborted (useResource).
 */
export function useCampaignPreview(client: OtaClient, form: CampaignForm): CampaignPreview {
  const settled = useDebounced(form, PREVIEW_DEBOUNCE_MS);
  const requests = useMemo(() => previewRequestsOf(settled), [settled]);
  const { preview: previewBody, plan: planBody } = requests;
  const preview = useResource(
    (signal) => (previewBody ? unwrap(client.POST('/api/v1/targets/preview', { body: previewBody, signal })) : Promise.resolve(undefined)),
    [client, JSON.stringify(previewBody ?? null)],
  );
  const plan = useResource(
    (signal) => (planBody ? unwrap(client.POST('/api/v1/campaigns/plan', { body: planBody, signal })) : Promise.resolve(undefined)),
    [client, JSON.stringify(planBody ?? null)],
  );
  return { requests, preview, plan, settling: settled !== form };
}
