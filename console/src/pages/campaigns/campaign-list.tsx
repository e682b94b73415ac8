import { type ReactNode, useEffect, useId } from 'react';
import { Link, useSearchParams } from 'wouter';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useRefreshTick } from '../../api/use-refresh-tick';
import { useResource } from '../../api/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { type FilterKey, isMoving, listFiltersOf, listQueryOf, PAGE_SIZE, pageSummary, progressOf, withFilter, withOffset } from './campaign-list-model';
import {
  type Campaign,
  CAMPAIGN_STATUSES,
  firmwareOptionText,
  PRIORITIES,
  STRATEGIES,
  words,
} from './campaign-vocabulary';
import './campaigns.css';

const REFRESH_MS = 10_000;

/** `/campaigns`: the organization's campaigns, newest first, filtered as the API allows. */
export function CampaignListPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const filters = listFiltersOf(params);
  const query = listQueryOf(filters);
  const campaigns = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/campaigns', { params: { query }, signal })),
    [session.client, JSON.stringify(query)],
  );
  const firmware = useResource((signal) => unwrap(session.client.GET('/api/v1/firmware', { params: { query: { limit: 200 } }, signal })), [session.client]);

  // Running campaigns move on their own: follow them while one is on the page (and the tab is seen).
  const moving = campaigns.data?.campaigns.some((campaign) => isMoving(campaign.status)) ?? false;
  const tick = useRefreshTick(REFRESH_MS, moving);
  const { reload } = campaigns;
  useEffect(() => {
    if (tick > 0) reload();
  }, [tick, reload]);

  const setFilter = (key: FilterKey, value: string) => setParams(withFilter(params, key, value), { replace: true });
  const page = campaigns.data;

  return (
    <>
      <div className="page-head">
        <h1>Campaigns</h1>
        {session.canWrite && (
          <Link href="/campaigns/new" className="button-link primary">
            New campaign
          </Link>
        )}
      </div>

      <form className="toolbar campaign-filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <FilterSelect label="Status" value={filters.status} onChange={(value) => setFilter('status', value)} anyText="Any status">
          {CAMPAIGN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {words(status)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Priority" value={filters.priority} onChange={(value) => setFilter('priority', value)} anyText="Any priority">
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {priority}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Deployment strategy" value={filters.deployment_strategy} onChange={(value) => setFilter('deployment_strategy', value)} anyText="Any strategy">
          {STRATEGIES.map((strategy) => (
            <option key={strategy} value={strategy}>
              {words(strategy)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Firmware" value={filters.firmware_id} onChange={(value) => setFilter('firmware_id', value)} anyText="Any firmware">
          {firmware.data?.firmware.map((item) => (
            <option key={item.firmware_id} value={item.firmware_id}>
              {firmwareOptionText(item)}
            </option>
          ))}
        </FilterSelect>
        <button type="button" onClick={reload} disabled={campaigns.loading}>
          Refresh
        </button>
      </form>
      <ErrorMessage error={firmware.error} title="The firmware filter could not be filled" />
      <ErrorMessage error={campaigns.error} />

      {page === undefined ? (
        campaigns.loading && <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <div className="table-scroll">
            <table aria-label="Campaigns" aria-busy={campaigns.loading} className="campaign-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Strategy</th>
                  <th scope="col">Firmware</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Devices</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.campaigns.map((campaign) => (
                  <CampaignRow key={campaign.campaign_id} campaign={campaign} />
                ))}
              </tbody>
            </table>
          </div>
          {page.campaigns.length === 0 && <p className="notice">{page.total === 0 && params.size === 0 ? 'No campaigns yet.' : 'No campaign matches these filters.'}</p>}
          <nav className="pager" aria-label="Pages of campaigns">
            <button type="button" disabled={page.offset === 0} onClick={() => setParams(withOffset(params, Math.max(0, page.offset - PAGE_SIZE)))}>
              Previous page
            </button>
            <span>{pageSummary(page.offset, page.count, page.total)}</span>
            <button type="button" disabled={page.offset + page.count >= page.total} onClick={() => setParams(withOffset(params, page.offset + PAGE_SIZE))}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function FilterSelect({ label, value, onChange, anyText, children }: { label: string; value: string | undefined; onChange: (value: string) => void; anyText: string; children: ReactNode }) {
  const id = useId();
  return (
    <label htmlFor={id}>
      {label}
      <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="">{anyText}</option>
        {children}
      </select>
    </label>
  );
}

function CampaignRow({ campaign }: { campaign: Campaign }) {
  const progress = progressOf(campaign);
  return (
    <tr>
      <td>
        <Link href={`/campaigns/${campaign.campaign_id}`}>{campaign.name}</Link>
      </td>
      <td>
        <span className={`status status-${campaign.status}`}>{campaign.status}</span>
      </td>
      <td>{campaign.priority}</td>
      <td>{campaign.deployment_strategy}</td>
      <td>
        {campaign.firmware ? (
          <Link href={`/firmware/${campaign.firmware_id}`}>{`${campaign.firmware.name} ${campaign.firmware.version}`}</Link>
        ) : (
          <span className="mono" title="Deleted firmware">
            {campaign.firmware_id}
          </span>
        )}
      </td>
      <td>
        <ProgressBar value={progress.percent} label={`Progress of ${campaign.name}`} />
      </td>
      <td>{campaign.total_devices === null ? `${campaign.target_device_count} planned` : `${progress.finished} / ${progress.total} done`}</td>
      <td>
        <time dateTime={campaign.created_at}>{new Date(campaign.created_at).toLocaleString()}</time>
      </td>
    </tr>
  );
}
