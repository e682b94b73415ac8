import { describe, expect, it } from 'vitest';
import { activeCampaignsOf, campaignProgress, type Campaign } from './campaign-progress';

// Only the fields these functions read; the rest of a campaign does not matter here.
function campaign(fields: Partial<Campaign>): Campaign {
  return {
    campaign_id: 'c',
    name: 'c',
    status: 'in_progress',
    total_devices: 100,
    completed_devices: 0,
    failed_devices: 0,
    cancelled_devices: 0,
    created_at: '2026-01-01T00:00:00Z',
    ...fields,
  } as Campaign;
}

describe('campaignProgress', () => {
  it('counts completed, failed and cancelled devices as finished', () => {
    expect(campaignProgress(campaign({ completed_devices: 30, failed_devices: 5, cancelled_devices: 5 }))).toBe(40);
  });

  it('is 0 before the start (no devices held yet)', () => {
    expect(campaignProgress(campaign({ total_devices: null }))).toBe(0);
    expect(campaignProgress(campaign({ total_devices: 0 }))).toBe(0);
  });
});

describe('activeCampaignsOf', () => {
  it('orders rolling out before waiting, newest first within a status, each campaign once', () => {
    const paused = campaign({ campaign_id: 'p', status: 'paused' });
    const oldRunning = campaign({ campaign_id: 'r1', created_at: '2026-01-01T00:00:00Z' });
    const newRunning = campaign({ campaign_id: 'r2', created_at: '2026-02-01T00:00:00Z' });
    const approval = campaign({ campaign_id: 'a', status: 'pending_approval' });
    const ids = activeCampaignsOf([[oldRunning, newRunning], [approval], [paused, newRunning]]).map((item) => item.campaign_id);
    expect(ids).toEqual(['r2', 'r1', 'p', 'a']);
  });
});
