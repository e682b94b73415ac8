import { Link } from 'wouter';
import { unwrap } from '../api/errors';
import { useSession } from '../api/session-context';
import { useResource } from '../api/use-resource';
import { ErrorMessage } from '../components/error-message';
import { ProgressBar } from '../components/progress-bar';
import { ACTIVE_STATUSES, activeCampaignsOf, campaignProgress, finishedDevices, type Campaign } from './dashboard/campaign-progress';
import { breakdownRows, statTilesOf, type FleetStats } from './dashboard/fleet-stats';
import { formatCount } from './dashboard/format';
import { loadVersionBars } from './dashboard/load-version-bars';
import { useRefreshTick } from '../api/use-refresh-tick';
import { VersionChart } from './dashboard/version-chart';
import './dashboard/dashboard.css';

const REFRESH_MS = 10_000;

/** The fleet at a glance, refreshed every 10 s while the tab is visible. */
export function DashboardPage() {
  const { client } = useSession();
  const tick = useRefreshTick(REFRESH_MS);
  const stats = useResource((signal) => unwrap(client.GET('/api/v1/stats', { signal })), [client, tick]);
  const versions = useResource((signal) => loadVersionBars(client, signal), [client, tick]);
  const campaigns = useResource(
    async (signal) =>
      activeCampaignsOf(
        await Promise.all(
          ACTIVE_STATUSES.map(async (status) => (await unwrap(client.GET('/api/v1/campaigns', { params: { query: { status, limit: 50 } }, signal }))).campaigns),
        ),
      ),
    [client, tick],
  );

  return (
    <>
      <h1>Fleet</h1>
      <section aria-labelledby="fleet-stats-heading" aria-busy={stats.data === undefined && stats.loading}>
        <h2 id="fleet-stats-heading">Updates and campaigns</h2>
        <ErrorMessage error={stats.error} title="Could not load the fleet statistics" />
        {stats.data ? <StatTiles stats={stats.data} /> : stats.loading && <p>Loading…</p>}
      </section>

      <div className="two-columns">
        <section className="card" aria-labelledby="versions-heading" aria-busy={versions.data === undefined && versions.loading}>
          <h2 id="versions-heading">Firmware versions</h2>
          <ErrorMessage error={versions.error} title="Could not count the devices" />
          {versions.data ? (
            <VersionChart
              bars={versions.data.bars}
              note={versions.data.groupedRest ? 'The commonest versions are counted one by one; the others are grouped.' : undefined}
            />
          ) : (
            versions.loading && <p>Loading…</p>
          )}
        </section>
        {stats.data && <UpdateBreakdowns stats={stats.data} />}
      </div>

      <section className="card" aria-labelledby="active-campaigns-heading" aria-busy={campaigns.data === undefined && campaigns.loading}>
        <h2 id="active-campaigns-heading">Active campaigns</h2>
        <ErrorMessage error={campaigns.error} title="Could not load the campaigns" />
        {campaigns.data ? <ActiveCampaigns campaigns={campaigns.data} /> : campaigns.loading && <p>Loading…</p>}
      </section>
    </>
  );
}

function StatTiles({ stats }: { stats: FleetStats }) {
  return (
    <ul className="grid stat-tiles">
      {statTilesOf(stats).map((tile) => (
        <li key={tile.label} className="stat">
          <div className="label">{tile.label}</div>
          <div className="value">{tile.value}</div>
          {tile.detail && <div className="hint">{tile.detail}</div>}
        </li>
      ))}
    </ul>
  );
}

function UpdateBreakdowns({ stats }: { stats: FleetStats }) {
  return (
    <section className="card" aria-labelledby="breakdowns-heading">
      <h2 id="breakdowns-heading">Updates by target</h2>
      <Breakdown caption="Updates by target firmware version" keyHeading="Version" rows={breakdownRows(stats.updates_by_firmware_version)} />
      <Breakdown caption="Updates by device type" keyHeading="Device type" rows={breakdownRows(stats.updates_by_device_type)} />
    </section>
  );
}

function Breakdown({ caption, keyHeading, rows }: { caption: string; keyHeading: string; rows: { key: string; count: number }[] }) {
  return (
    <table className="breakdown">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeading}</th>
          <th scope="col">Updates</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={2}>No updates yet.</td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr key={row.key}>
              <td>{row.key}</td>
              <td>{formatCount(row.count)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function ActiveCampaigns({ campaigns }: { campaigns: Campaign[] }) {
  if (campaigns.length === 0) {
    return (
      <p>
        No campaign is rolling out or waiting to. <Link href="/campaigns">All campaigns</Link>
      </p>
    );
  }
  return (
    <table aria-label="Active campaigns">
      <thead>
        <tr>
          <th scope="col">Campaign</th>
          <th scope="col">Status</th>
          <th scope="col">Firmware</th>
          <th scope="col">Progress</th>
          <th scope="col">Devices finished</th>
        </tr>
      </thead>
      <tbody>
        {campaigns.map((campaign) => (
          <tr key={campaign.campaign_id}>
            <td>
              <Link href={`/campaigns/${campaign.campaign_id}`}>{campaign.name}</Link>
            </td>
            <td>
              <span className={`status status-${campaign.status}`}>{campaign.status.replaceAll('_', ' ')}</span>
            </td>
            <td>{campaign.firmware ? `${campaign.firmware.name} ${campaign.firmware.version}` : campaign.firmware_id}</td>
            <td>
              <ProgressBar value={campaignProgress(campaign)} label={`Progress of ${campaign.name}`} />
            </td>
            <td>{finishedText(campaign)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function finishedText(campaign: Campaign): string {
  if (campaign.total_devices === null) return `not started (${formatCount(campaign.target_device_count)} targeted)`;
  return `${formatCount(finishedDevices(campaign))} of ${formatCount(campaign.total_devices)} (${formatCount(campaign.failed_devices)} failed)`;
}
