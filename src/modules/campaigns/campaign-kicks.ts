import { Injectable } from '@nestjs/common';
import type { CampaignKey } from './campaigns.repository';

type KickListener = (campaign: CampaignKey) => void;

/**
 * "This campaign has work now" after an operator starts, resumes, rolls back or advances it, so
 * its first batch goes out at once rather than at the next tick. The rollout module listens; this
 * module cannot import it back. Only a hint: a missed kick costs one tick, nothing else.
 */
@Injectable()
export class CampaignKicks {
  private readonly listeners: KickListener[] = [];

  onKick(listener: KickListener): void {
    this.listeners.push(listener);
  }

  kick(campaign: CampaignKey): void {
    for (const listener of this.listeners) listener(campaign);
  }
}
