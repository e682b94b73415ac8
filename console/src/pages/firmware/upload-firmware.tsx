import { type DragEvent, type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useSession } from '../../api/session-context';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { formatBytes } from '../dashboard/format';
import { buildUploadMetadata, emptyUploadForm, UPDATE_TYPES, type UploadField, type UploadForm, type UploadProblem } from './upload-metadata';
import { uploadFirmware, type UploadOutcome } from './upload-request';

type Phase = { step: 'editing' } | { step: 'sending'; percent: number } | { step: 'storing' } | { step: 'done'; outcome: UploadOutcome };

/**
 * The firmware upload: a drop zone (or the file input, for the keyboard), the metadata, and a
 * progress bar while the file travels; then the checksums the service computed.
 */
export function UploadFirmware({ onUploaded }: { onUploaded: () => void }) {
  const { authorization } = useSession();
  const [form, setForm] = useState<UploadForm>(emptyUploadForm);
  const [file, setFile] = useState<File | undefined>();
  const [dragging, setDragging] = useState(false);
  const [problems, setProblems] = useState<UploadProblem[]>([]);
  const [phase, setPhase] = useState<Phase>({ step: 'editing' });
  const [error, setError] = useState<unknown>();
  const transfer = useRef<AbortController | undefined>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = phase.step === 'sending' || phase.step === 'storing';

  const set = <K extends keyof UploadForm>(field: K, value: UploadForm[K]) => setForm((previous) => ({ ...previous, [field]: value }));
  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setProblems((previous) => previous.filter((problem) => problem.field !== 'file'));
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    // The input would still show a file chosen before: the dropped one replaces it.
    if (fileInput.current) fileInput.current.value = '';
    choose(event.dataTransfer.files[0]);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const check = buildUploadMetadata(form, file);
    if (!check.ok || file === undefined) {
      setProblems(check.ok ? [] : check.problems);
      return;
    }
    setProblems([]);
    const controller = new AbortController();
    transfer.current = controller;
    setPhase({ step: 'sending', percent: 0 });
    try {
      const outcome = await uploadFirmware({
        file,
        fileName: file.name,
        metadata: check.metadata,
        authorization,
        signal: controller.signal,
        // Once every byte is sent the service still stores the file and answers: say so.
        onProgress: ({ loaded, total }) => setPhase(loaded >= total ? { step: 'storing' } : { step: 'sending', percent: (loaded / total) * 100 }),
      });
      setPhase({ step: 'done', outcome });
      setForm(emptyUploadForm());
      setFile(undefined);
      if (fileInput.current) fileInput.current.value = '';
      onUploaded();
    } catch (failure) {
      setPhase({ step: 'editing' });
      setError(failure instanceof DOMException && failure.name === 'AbortError' ? new Error('The upload was stopped; nothing was stored.') : failure);
    } finally {
      transfer.current = undefined;
    }
  };

  const problemOf = (field: UploadField) => problems.find((problem) => problem.field === field)?.message;

  return (
    <section aria-label="Upload firmware" className="card upload-firmware">
      <h2>Upload firmware</h2>
      <form onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
        <div
          className={dragging ? 'dropzone active' : 'dropzone'}
          onDragEnter={(event) => { event.preventDefault(); setDragging(true); }}
          onDragOver={(event) => { event.preventDefault(); event.dataTransfer.dropEffect = 'copy'; }}
          onDragLeave={() => setDragging(false)}
          onDrop={drop}
          data-testid="firmware-dropzone"
        >
          <p>Drop the firmware file here, or choose it.</p>
          <Field label="Firmware file" problem={problemOf('file')}>
            {(props) => <input {...props} ref={fileInput} type="file" disabled={busy} onChange={(event) => choose(event.target.files?.[0])} />}
          </Field>
          {file && (
            <p data-testid="chosen-file">
              Chosen: <strong>{file.name}</strong> ({formatBytes(file.size)})
            </p>
          )}
        </div>

        <fieldset disabled={busy} className="upload-fields">
          <legend>Metadata</legend>
          <Field label="Name" problem={problemOf('name')}>
            {(props) => <input {...props} value={form.name} onChange={(event) => set('name', event.target.value)} aria-required="true" maxLength={200} />}
          </Field>
          <Field label="Version" problem={problemOf('version')}>
            {(props) => <input {...props} value={form.version} onChange={(event) => set('version', event.target.value)} aria-required="true" maxLength={50} placeholder="2.1.0" />}
          </Field>
          <Field label="Device model" problem={problemOf('deviceModel')}>
            {(props) => <input {...props} value={form.deviceModel} onChange={(event) => set('deviceModel', event.target.value)} aria-required="true" maxLength={100} />}
          </Field>
          <Field label="Manufacturer" problem={problemOf('manufacturer')}>
            {(props) => <input {...props} value={form.manufacturer} onChange={(event) => set('manufacturer', event.target.value)} maxLength={100} />}
          </Field>
          <Field label="Update type" problem={undefined}>
            {(props) => (
              <select {...props} value={form.updateType} onChange={(event) => set('updateType', event.target.value as UploadForm['updateType'])}>
                {UPDATE_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {type.replace('_', ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Oldest hardware revision" problem={problemOf('minHardwareVersion')}>
            {(props) => <input {...props} value={form.minHardwareVersion} onChange={(event) => set('minHardwareVersion', event.target.value)} maxLength={50} />}
          </Field>
          <Field label="Newest hardware revision" problem={problemOf('maxHardwareVersion')}>
            {(props) => <input {...props} value={form.maxHardwareVersion} onChange={(event) => set('maxHardwareVersion', event.target.value)} maxLength={50} />}
          </Field>
          <Field label="Tags" hint="comma-separated" problem={problemOf('tags')}>
            {(props) => <input {...props} value={form.tags} onChange={(event) => set('tags', event.target.value)} />}
          </Field>
          <Field label="Description" problem={problemOf('description')}>
            {(props) => <textarea {...props} value={form.description} onChange={(event) => set('description', event.target.value)} rows={2} maxLength={1000} />}
          </Field>
          <Field label="Release notes" problem={problemOf('changelog')}>
            {(props) => <textarea {...props} value={form.changelog} onChange={(event) => set('changelog', event.target.value)} rows={3} maxLength={5000} />}
          </Field>
          <div className="checks">
            <label className="inline">
              <input type="checkbox" checked={form.isBeta} onChange={(event) => set('isBeta', event.target.checked)} />
              Beta
            </label>
            <label className="inline">
              <input type="checkbox" checked={form.isSecurityUpdate} onChange={(event) => set('isSecurityUpdate', event.target.checked)} />
              Security update
            </label>
          </div>
          <Field label="Signature" hint="base64 Ed25519 signature of the file's digest" problem={problemOf('signature')}>
            {(props) => <input {...props} value={form.signature} onChange={(event) => set('signature', event.target.value)} maxLength={200} spellCheck={false} />}
          </Field>
          <Field label="Signing key id" problem={problemOf('signingKeyId')}>
            {(props) => <input {...props} value={form.signingKeyId} onChange={(event) => set('signingKeyId', event.target.value)} maxLength={100} />}
          </Field>
        </fieldset>

        {problems.length > 0 && (
          <p role="alert" className="error">
            Check the form: {problems.map((problem) => problem.message).join('; ')}.
          </p>
        )}
        <ErrorMessage error={error} title="Upload refused" />

        <div className="toolbar">
          <button type="submit" className="primary" disabled={busy}>
            Upload
          </button>
          {busy && (
            <button type="button" onClick={() => transfer.current?.abort()}>
              Stop
            </button>
          )}
        </div>
        {phase.step === 'sending' && <ProgressBar value={phase.percent} label="Upload progress" />}
        {phase.step === 'storing' && (
          <>
            <ProgressBar value={100} label="Upload progress" />
            <p role="status">Sent; the service is storing the file…</p>
          </>
        )}
      </form>
      {phase.step === 'done' && <UploadResult outcome={phase.outcome} />}
    </section>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A labelled control with its hint and its problem (announced with the control). */
function Field({ label, hint, problem, children }: { label: string; hint?: string; problem: string | undefined; children: (props: ControlProps) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy = [hint && hintId, problem && problemId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {children({ id, 'aria-invalid': problem !== undefined, 'aria-describedby': describedBy })}
      {problem && (
        <span id={problemId} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}

function UploadResult({ outcome }: { outcome: UploadOutcome }) {
  const { firmware, created } = outcome;
  return (
    <div className="notice" role="status" data-testid="upload-result">
      <p>
        {created ? 'Uploaded' : 'This image was already stored'}:{' '}
        <Link href={`/firmware/${firmware.firmware_id}`}>
          {firmware.name} {firmware.version}
        </Link>{' '}
        for {firmware.device_model}, {formatBytes(firmware.file_size)}.
      </p>
      <dl className="checksums">
        <dt>SHA-256</dt>
        <dd>
          <code>{firmware.checksum_sha256}</code>
        </dd>
        <dt>MD5</dt>
        <dd>
          <code>{firmware.checksum_md5}</code>
        </dd>
      </dl>
    </div>
  );
}
