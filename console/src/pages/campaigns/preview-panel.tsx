import { messageOf } from '../../api/errors';
import type { CampaignPlan, TargetPreview } from './campaign-vocabulary';
import { formatDuration } from './plan-format';
import type { CampaignPreview } from './use-campaign-preview';

/**
 * What the campaign would do if it started now: the devices its targets select and the stage
 * plan, kept up to date as the operator types. A refusal of the preview or the plan (a bad
 * filter, say) is shown here, in the API's words; it is no error of the page.
 */
export function PreviewPanel({ preview: { requests, preview, plan, settling } }: { preview: CampaignPreview }) {
  const busy = settling || preview.loading || plan.loading;
  const withFirmware = requests.preview?.firmware_id !== undefined;
  const sampled = (requests.preview?.rollout_percentage ?? 100) < 100;
  return (
    <section aria-label="Preview" aria-live="polite" aria-busy={busy} className="card preview-panel">
      <h2>Preview</h2>
      {requests.missing.length > 0 && (
        <p className="notice" data-testid="preview-missing">
          {requests.preview ? 'To plan the stages' : 'To see the devices and the plan'}, give {requests.missing.join(' and ')}.
        </p>
      )}
      {requests.problems.length > 0 && (
        <div className="preview-problems">
          <p>The {requests.preview ? 'plan' : 'preview'} waits for these fields:</p>
          <ul>
            {requests.problems.map((problem) => (
              <li key={problem.field}>{problem.message}</li>
            ))}
          </ul>
        </div>
      )}
      {preview.error !== undefined ? (
        <p className="error" data-testid="preview-error">
          <strong>Targets: </strong>
          {messageOf(preview.error)}
        </p>
      ) : (
        preview.data && <TargetSummary preview={preview.data} withFirmware={withFirmware} sampled={sampled} />
      )}
      {plan.error !== undefined ? (
        <p className="error" data-testid="plan-error">
          <strong>Plan: </strong>
          {messageOf(plan.error)}
        </p>
      ) : (
        plan.data && <PlanSummary plan={plan.data} />
      )}
      {busy && <p className="hint">Updating…</p>}
    </section>
  );
}

function TargetSummary({ preview, withFirmware, sampled }: { preview: TargetPreview; withFirmware: boolean; sampled: boolean }) {
  return (
    <div className="target-summary">
      <p className="target-count">
        <span data-testid="target-count">{preview.selected}</span> {preview.selected === 1 ? 'device' : 'devices'} selected
      </p>
      <dl className="facts">
        <dt>Matched by the targets</dt>
        <dd>{preview.matched}</dd>
        {withFirmware && (
          <>
            <dt>Compatible with the firmware</dt>
            <dd>{preview.compatible}</dd>
            <dt>Already on its version</dt>
            <dd>{preview.already_on_target_version}</dd>
          </>
        )}
      </dl>
      {!withFirmware && <p className="hint">Without a firmware every matched device counts; choose one to check compatibility.</p>}
      {sampled && <p className="hint">The share is drawn device by device, so a start may select a few more or fewer.</p>}
      {preview.sample.length > 0 && (
        <details>
          <summary>First {preview.sample.length} selected devices</summary>
          <ul className="sample">
            {preview.sample.map((deviceId) => (
              <li key={deviceId}>
                <code>{deviceId}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function PlanSummary({ plan }: { plan: CampaignPlan }) {
  const { excluded } = plan;
  return (
    <div className="plan-summary">
      <table aria-label="Stage plan">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Reaches</th>
            <th scope="col">Devices</th>
          </tr>
        </thead>
        <tbody>
          {plan.stages.map((stage) => (
            <tr key={stage.stage}>
              <td>{stage.stage + 1}</td>
              <td>{stage.percentage}%</td>
              <td>{stage.devices}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts">
        <dt>A start would update</dt>
        <dd data-testid="plan-device-count">{plan.target_device_count}</dd>
        <dt>Left out: incompatible</dt>
        <dd>{excluded.incompatible}</dd>
        <dt>Left out: already on the version</dt>
        <dd>{excluded.already_on_version}</dd>
        <dt>Left out by the rollout percentage</dt>
        <dd>{excluded.outside_sample}</dd>
        <dt>Busy with another update (kept, they wait)</dt>
        <dd>{excluded.busy}</dd>
      </dl>
      <p>
        Estimated duration: <strong data-testid="plan-estimate">{formatDuration(plan.estimated_duration_seconds)}</strong>{' '}
        <span className="hint">
          {plan.median_update_seconds === null
            ? '(no recent update times: each update is counted at its timeout, an upper bound; windows not counted)'
            : `(a median update takes ${formatDuration(plan.median_update_seconds)}; windows not counted)`}
        </span>
      </p>
      {plan.next_window_openings.length > 0 && (
        <>
          <p>Next window openings:</p>
          <ul className="windows">
            {plan.next_window_openings.map((opening) => (
              <li key={opening}>
                <time dateTime={opening}>{new Date(opening).toLocaleString()}</time>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
