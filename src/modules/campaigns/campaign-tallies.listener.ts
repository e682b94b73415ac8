import { Injectable } from '@nestjs/common';
import type { WriteStep } from '../../database/write-steps';
import { UpdateTransitionHook, type UpdateTransition, type UpdateTransitionListener } from '../updates/update-hooks';
import { COMPLETED_SECONDS, CampaignsRepository, type TallyDelta } from './campaigns.repository';
import { bucketOf } from './domain/campaign-tallies';

/**
 * Keeps each campaign's counts in step with its rows: every status change of a campaign's update
 * moves one count from its old bucket to its new one, in the statement that makes the change
 * (a batch of device reports writes its count changes with its rows). Count changes are rows of
 * their own, so this takes no lock on the campaign: a report batch never waits for a tick.
 */
@Injectable()
@UpdateTransitionHook()
export class CampaignTalliesListener implements UpdateTransitionListener {
  constructor(private readonly repository: CampaignsRepository) {}

  transitionSteps(transitions: readonly UpdateTransition[]): WriteStep[] {
    const deltas = new Map<string, TallyDelta>();
    const add = (snapshot: UpdateTransition['after'], bucket: string, delta: number) => {
      if (snapshot.campaignId === null || delta === 0) return;
      const stage = snapshot.campaignStage ?? 0;
      const key = [snapshot.organizationId, snapshot.campaignId, snapshot.kind, stage, bucket].join('\u0000');
      const existing = deltas.get(key);
      if (existing) existing.delta += delta;
      else deltas.set(key, { organizationId: snapshot.organizationId, campaignId: snapshot.campaignId, kind: snapshot.kind, stage, bucket, delta });
    };
    for (const { before, after } of transitions) {
      const from = before === null ? null : bucketOf(before);
      const to = bucketOf(after);
      if (from === to) continue;
      if (from !== null) add(after, from, -1);
      add(after, to, 1);
      if (to === 'completed' && after.startedAt !== null && after.completedAt !== null) {
        add(after, COMPLETED_SECONDS, Math.max(0, Math.round((after.completedAt.getTime() - after.startedAt.getTime()) / 1000)));
      }
    }
    const step = this.repository.deltaStep([...deltas.values()]);
    return step ? [step] : [];
  }
}
