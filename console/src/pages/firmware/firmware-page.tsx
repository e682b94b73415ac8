import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { ConfirmButton } from '../../components/confirm-button';
import { DetailsList } from '../../components/details-list';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes, formatCount, formatTime } from '../dashboard/format';
import { NameBadges } from './name-badges';
import type { Firmware } from './upload-request';

/** One firmware: every field the API gives, the campaigns that use it, and Delete for writers. */
export function FirmwarePage({ firmwareId }: { firmwareId: string }) {
  const session = useSession();
  const [, navigate] = useLocation();
  const firmware = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/firmware/{firmware_id}', { params: { path: { firmware_id: firmwareId } }, signal })),
    [session.client, firmwareId],
  );
  const campaigns = useResource(
    (signal) => unwrap(session.client.GET('/api/v1/campaigns', { params: { query: { firmware_id: firmwareId, limit: 20 } }, signal })),
    [session.client, firmwareId],
  );

  const remove = async () => {
    await unwrap(session.client.DELETE('/api/v1/firmware/{firmware_id}', { params: { path: { firmware_id: firmwareId } } }));
    navigate('/firmware');
  };

  const data = firmware.data;
  return (
    <>
      <div className="page-head">
        <h1>{data ? `${data.name} ${data.version}` : firmwareId}</h1>
        {data && session.canWrite && (
          <ConfirmButton
            label="Delete"
            danger
            consequence={
              <p>
                {data.name} {data.version} and its binary ({formatBytes(data.file_size)}) will be deleted. The service refuses while an unfinished update or
                campaign uses it.
              </p>
            }
            onConfirm={remove}
          />
        )}
      </div>
      <p>
        <Link href="/firmware">All firmware</Link>
      </p>
      <ErrorMessage error={firmware.error} title="Could not load the firmware" />
      {data === undefined ? firmware.loading && <p aria-busy="true">Loading…</p> : <FirmwareDetails firmware={data} />}

      <section className="card" aria-labelledby="firmware-campaigns-heading">
        <h2 id="firmware-campaigns-heading">Campaigns with this firmware</h2>
        <ErrorMessage error={campaigns.error} title="Could not load the campaigns" />
        {campaigns.data === undefined ? (
          campaigns.loading && <p aria-busy="true">Loading…</p>
        ) : campaigns.data.campaigns.length === 0 ? (
          <p>No campaign uses this firmware.</p>
        ) : (
          <table aria-label="Campaigns with this firmware">
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.data.campaigns.map((campaign) => (
                <tr key={campaign.campaign_id}>
                  <td>
                    <Link href={`/campaigns/${campaign.campaign_id}`}>{campaign.name}</Link>
                  </td>
                  <td>
                    <span className={`status status-${campaign.status}`}>{campaign.status.replaceAll('_', ' ')}</span>
                  </td>
                  <td>{formatTime(campaign.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function FirmwareDetails({ firmware }: { firmware: Firmware }) {
  const rows: [string, ReactNode][] = [
    ['Firmware id', <code>{firmware.firmware_id}</code>],
    ['Name', firmware.name],
    ['Version', firmware.version],
    ['Update type', firmware.update_type.replace('_', ' ')],
    ['Device model', firmware.device_model],
    ['Manufacturer', firmware.manufacturer ?? '—'],
    ['Hardware revisions', hardwareRange(firmware.min_hardware_version, firmware.max_hardware_version)],
    ['File', firmware.file_name],
    ['Size', `${formatBytes(firmware.file_size)} (${formatCount(firmware.file_size)} bytes)`],
    ['SHA-256', <code>{firmware.checksum_sha256}</code>],
    ['MD5', <code>{firmware.checksum_md5}</code>],
    ['Beta', firmware.is_beta ? 'yes' : 'no'],
    ['Security update', firmware.is_security_update ? 'yes' : 'no'],
    ['Tags', firmware.tags.length > 0 ? <NameBadges names={firmware.tags} /> : '—'],
    ['Signature', signatureText(firmware)],
    ['Download URLs issued', formatCount(firmware.download_count)],
    ['Success rate', firmware.success_rate === null ? 'no finished update yet' : `${firmware.success_rate.toFixed(1)} %`],
    ['Description', firmware.description ?? '—'],
    ['Release notes', firmware.changelog ? <pre>{firmware.changelog}</pre> : '—'],
    ['Metadata', Object.keys(firmware.metadata).length > 0 ? <pre><code>{JSON.stringify(firmware.metadata, null, 2)}</code></pre> : '—'],
    ['Uploaded', `${formatTime(firmware.created_at)} by ${firmware.created_by}`],
    ['Updated', formatTime(firmware.updated_at)],
  ];
  return (
    <section className="card" aria-labelledby="firmware-details-heading">
      <h2 id="firmware-details-heading">Details</h2>
      <DetailsList rows={rows} />
    </section>
  );
}

function hardwareRange(min: string | null, max: string | null): string {
  if (min === null && max === null) return 'any';
  if (min !== null && max !== null) return `${min} to ${max}`;
  return min !== null ? `${min} or newer` : `up to ${max}`;
}

function signatureText(firmware: Firmware): ReactNode {
  if (firmware.signature === null) return 'unsigned';
  return (
    <>
      {firmware.signature_verified ? 'verified' : 'not verified'} with key <code>{firmware.signing_key_id ?? '—'}</code>: <code>{firmware.signature}</code>
    </>
  );
}
