import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignBody, campaignRows, campaignStats, createCampaign, DeviceClient, getCampaign, tick } from '../utils/campaign-factory';
import { createFirmware } from '../utils/update-factory';

const ORG = 'org-rollout';

describe('campaign rollout (strategies end to end over the device API)', () => {
  let t: TestApp;
  let operator: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: ORG, role: 'operator' }));
  });
  afterAll(() => t.close());

  it('immediate: releases in batches under the concurrency cap and completes when every device finished', async () => {
    const group = `imm-${Date.now()}`;
    const fleet = await DeviceClient.register(t, operator, 5, { groups: [group] });
    const firmware = await createFirmware(t, operator, { version: '2.0.0' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [group], batch_size: 2, max_concurrent_updates: 3 }));
    expect(campaign).toMatchObject({ status: 'created', target_device_count: 5 });

    const started = await act(t, operator, campaign.campaign_id, 'start');
    expect(started).toMatchObject({ status: 'in_progress', total_devices: 5, pending_devices: 5 });
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'scheduled')).toHaveLength(2);
    await tick(t, campaign.campaign_id, ORG);
    expect((await campaignRows(t, campaign.campaign_id)).filter((row) => row.status === 'scheduled')).toHaveLength(3);

    for (let round = 0; round < 10 && (await getCampaign(t, operator, campaign.campaign_id)).status === 'in_progress'; round++) {
      await fleet.work();
      await tick(t, campaign.campaign_id, ORG);
    }
    const done = await getCampaign(t, operator, campaign.campaign_id);
    expect(done).toMatchObject({ status: 'completed', completed_devices: 5, pending_devices: 0, in_progress_devices: 0 });
    const stats = await campaignStats(t, operator, campaign.campaign_id);
    expect(stats).toMatchObject({ progress_percentage: 100, successful_updates: 5, failed_updates: 0, success_rate: 100, failure_rate: 0 });
    expect((done.timeline as { event: string }[]).map((entry) => entry.event)).toEqual(['created', 'started', 'completed']);
  });
});
