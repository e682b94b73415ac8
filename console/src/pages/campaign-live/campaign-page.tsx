import { Link } from 'wouter';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import type { components } from '../../../../clients/typescript';
import type { ConsequenceFacts } from './action-consequences';
import { CampaignActionsBar } from './campaign-actions-bar';
import { hasNextStage } from './campaign-actions';
import { CampaignStats } from './campaign-stats';
import { CampaignTimeline } from './campaign-timeline';
import { FailingDevices } from './failing-devices';
import { failureSignature, type Connection } from './live-state';
import { StageFailureFigure } from './stage-failure-chart';
import { stageFailures } from './stage-failures';
import { StatusChart } from './status-chart';
import { groupCounts, type GroupCounts } from './status-series';
import { useCampaignStream } from './use-campaign-stream';
import { useCoalesced, useThrottled } from './use-timing';
import './campaign-live.css';

type CampaignDetail = components['schemas']['CampaignDetailResponseDto'];

/** The failing-devices table is read again at most this often while failures come in. */
const FAILING_REFRESH_MS = 2500;

/** `/campaigns/:id`: a campaign live from its event stream, with the actions its status allows. */
export function CampaignPage({ campaignId }: { campaignId: string }) {
  // A new campaign (after "Retry failed devices") starts from a clean slate: stream, chart, timeline.
  return <CampaignLive key={campaignId} campaignId={campaignId} />;
}

function CampaignLive({ campaignId }: { campaignId: string }) {
  const session = useSession();
  const campaign = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: campaignId } }, signal })),
    [session, campaignId],
  );
  // Each transition changes the campaign (its status, its open stage): read it again, once per burst.
  const reloadSoon = useCoalesced(campaign.reload, 300);
  const live = useCampaignStream(session, campaignId, reloadSoon);
  const failingKey = useThrottled(failureSignature(live.stats), FAILING_REFRESH_MS);

  const detail = campaign.data;
  if (detail === undefined) {
    return (
      <>
        <h1>Campaign</h1>
        {campaign.error ? <ErrorMessage error={campaign.error} /> : <p aria-busy="true">Loading…</p>}
      </>
    );
  }

  const counts = live.stats ? groupCounts(live.stats.counts) : countsOfCampaign(detail);
  const progress = live.stats?.progress_percentage ?? progressOfCampaign(counts);
  const stages = live.stats ? stageFailures(live.stats) : [];

  return (
    <>
      <div className="page-head">
        <h1>{detail.name}</h1>
        <LiveIndicator connection={live.connection} refused={live.refused !== undefined} />
      </div>
      <ErrorMessage error={live.refused} title="Live updates unavailable" />
      <ErrorMessage error={campaign.error} title="Could not read the campaign again" />
      <p className="campaign-summary">
        Status: <span data-testid="campaign-status" className={`status status-${detail.status}`}>{detail.status}</span>
        {' · '}
        {detail.deployment_strategy}
        {detail.firmware && (
          <>
            {' · firmware '}
            <Link href={`/firmware/${detail.firmware_id}`}>
              {detail.firmware.name} {detail.firmware.version}
            </Link>
          </>
        )}
        {detail.retry_of && (
          <>
            {' · retry of '}
            <Link href={`/campaigns/${detail.retry_of}`}>{detail.retry_of}</Link>
          </>
        )}
      </p>
      {detail.description && <p>{detail.description}</p>}
      <ProgressBar value={progress} label="Campaign progress" />
      <CampaignStats counts={counts} stats={live.stats} />
      {session.canWrite && (
        <CampaignActionsBar
          session={session}
          campaignId={campaignId}
          context={{ status: detail.status, hasNextStage: hasNextStage(detail), failedDevices: counts.failed }}
          facts={factsOf(detail, counts, live.stats?.counts)}
          onChanged={campaign.reload}
        />
      )}
      <div className="two-columns">
        <div className="live-charts">
          <h2>Devices over time</h2>
          <StatusChart history={live.history} latest={live.stats?.counts} />
          <h2>Failures per stage</h2>
          <StageFailureFigure stages={stages} />
        </div>
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <p className="hint">Newest first.</p>
          <CampaignTimeline entries={live.transitions.length > 0 ? live.transitions : detail.timeline} />
        </section>
      </div>
      <h2>Failing devices</h2>
      <FailingDevices session={session} campaignId={campaignId} refreshKey={failingKey} />
    </>
  );
}

/** Whether the page is following the stream, said in words (the dot only decorates). */
function LiveIndicator({ connection, refused }: { connection: Connection; refused: boolean }) {
  const text = refused ? 'Not live' : connection === 'live' ? 'Live' : connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  const state = refused ? 'off' : connection;
  return (
    <p role="status" className={`live-indicator live-${state}`} data-testid="live-indicator">
      <span aria-hidden="true" className="live-dot" />
      {text}
    </p>
  );
}

/** The campaign's own counts, until the stream's first counts message arrives. */
function countsOfCampaign(detail: CampaignDetail): GroupCounts {
  return {
    pending: detail.pending_devices,
    in_progress: detail.in_progress_devices,
    completed: detail.completed_devices,
    failed: detail.failed_devices,
    cancelled: detail.cancelled_devices,
    total: devicesOf(detail),
  };
}

/** Until it starts a campaign holds no devices (0, not null): what a start would select then. */
function devicesOf(detail: CampaignDetail): number {
  return detail.total_devices || detail.target_device_count;
}

function progressOfCampaign(counts: GroupCounts): number {
  return counts.total === 0 ? 0 : ((counts.completed + counts.failed + counts.cancelled) / counts.total) * 100;
}

function factsOf(detail: CampaignDetail, counts: GroupCounts, buckets: Record<string, number> | undefined): ConsequenceFacts {
  const waits = detail.deployment_strategy === 'scheduled' || (detail.scheduled_start !== null && new Date(detail.scheduled_start) > new Date());
  return {
    counts,
    targetDevices: devicesOf(detail),
    firmwareVersion: detail.firmware?.version ?? null,
    deploymentStrategy: detail.deployment_strategy,
    startsAt: waits ? detail.scheduled_start : null,
    stagePlan: detail.stage_plan,
    stagedDevices: buckets?.awaiting_activation ?? 0,
  };
}
