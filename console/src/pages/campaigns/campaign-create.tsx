import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { unwrap } from '../../api/errors';
import type { Session } from '../../api/session';
import { useSession } from '../../api/session-context';
import { useResource } from '../../api/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { BasicsSection, TargetsSection } from './basics-targets-sections';
import { type CampaignForm, createBodyOf, emptyCampaignForm, type Problem } from './campaign-form';
import { fieldId } from './form-fields';
import { PoliciesSection, RolloutSection, SafetySection, ScheduleSection } from './policy-sections';
import { PreviewPanel } from './preview-panel';
import { useCampaignPreview } from './use-campaign-preview';
import './campaigns.css';

/** `/campaigns/new`: every setting of a campaign, with a live preview of what it would do. */
export function CampaignCreatePage() {
  const session = useSession();
  if (!session.canWrite) {
    return (
      <>
        <h1>New campaign</h1>
        <p className="notice">
          Your role ({session.principal.roles.join(', ')}) cannot create campaigns. An operator or an admin can.
        </p>
      </>
    );
  }
  return <CampaignCreateForm session={session} />;
}

/** `?firmware_id=…&group=…` (links from a firmware or a group) start the form with them. */
function initialForm(params: URLSearchParams): CampaignForm {
  const form = emptyCampaignForm();
  const firmware = params.get('firmware_id');
  if (firmware !== null && /^[0-9a-f]{32}$/.test(firmware)) form.firmware_id = firmware;
  form.target_groups = params.getAll('group').join(', ');
  return form;
}

function CampaignCreateForm({ session }: { session: Session }) {
  const { client } = session;
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const [form, setForm] = useState(() => initialForm(params));
  const [attempted, setAttempted] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>();
  // Each refused submit moves the focus to the list of problems, so a screen reader reads it.
  const [refusals, setRefusals] = useState(0);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (refusals > 0) summary.current?.focus();
  }, [refusals]);

  const firmware = useResource(async (signal) => (await unwrap(client.GET('/api/v1/firmware', { params: { query: { limit: 200 } }, signal }))).firmware, [client]);
  const groups = useResource(async (signal) => (await unwrap(client.GET('/api/v1/device-groups', { signal }))).groups, [client]);
  const preview = useCampaignPreview(client, form);

  // What cannot be read is pointed out as it is typed; what is missing only once a submit was tried.
  const problems = createBodyOf(form).problems.filter((problem) => attempted || !problem.missing);
  const problemOf = (field: string) => problems.find((problem) => problem.field === field)?.message;
  const change = (patch: Partial<CampaignForm>) => setForm((previous) => ({ ...previous, ...patch }));
  const section = { form, change, problemOf };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setAttempted(true);
    const built = createBodyOf(form);
    if (built.problems.length > 0) {
      setRefusals((count) => count + 1);
      return;
    }
    setSending(true);
    setError(undefined);
    try {
      const created = await unwrap(client.POST('/api/v1/campaigns', { body: built.body }));
      navigate(`/campaigns/${created.campaign_id}`);
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  };

  return (
    <>
      <h1>New campaign</h1>
      <div className="campaign-create">
        <form className="campaign-form" onSubmit={(event) => void submit(event)} noValidate>
          {attempted && problems.length > 0 && <ProblemSummary problems={problems} target={summary} />}
          <BasicsSection {...section} firmware={firmware} />
          <TargetsSection {...section} groups={groups} />
          <RolloutSection {...section} />
          <SafetySection {...section} />
          <ScheduleSection {...section} />
          <PoliciesSection {...section} />
          <ErrorMessage error={error} title="The campaign was not created" />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={sending} aria-busy={sending}>
              Create campaign
            </button>
            <span role="status">{sending ? 'Creating the campaign…' : ''}</span>
          </div>
        </form>
        <PreviewPanel preview={preview} />
      </div>
    </>
  );
}

/** The problems a submit found, each a link that takes the focus to its field. */
function ProblemSummary({ problems, target }: { problems: Problem[]; target: RefObject<HTMLDivElement | null> }) {
  return (
    <div className="error" role="alert" tabIndex={-1} ref={target} data-testid="form-problems">
      <strong>The campaign cannot be created yet:</strong>
      <ul>
        {problems.map((problem) => (
          <li key={`${problem.field} ${problem.message}`}>
            <a
              href={`#${fieldId(problem.field)}`}
              onClick={(event) => {
                event.preventDefault();
                document.getElementById(fieldId(problem.field))?.focus();
              }}
            >
              {problem.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
