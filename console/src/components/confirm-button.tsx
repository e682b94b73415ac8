import { type ReactNode, useId, useRef, useState } from 'react';
import { ErrorMessage } from './error-message';

interface ConfirmButtonProps {
  /** The button's text, also the dialog's confirm action. */
  label: string;
  /** What will happen, in the operator's words: shown before anything is sent. */
  consequence: ReactNode;
  /** Runs on confirmation; a thrown API error is shown in the dialog, which stays open. */
  onConfirm: (reason: string) => Promise<unknown>;
  /** Offer a free-text reason (pause, cancel, rollback record one). */
  askReason?: boolean;
  danger?: boolean;
}

/**
 * A button that asks first, in a native modal <dialog>: focus moves into it, Escape closes it,
 * and the page behind cannot be clicked, so a keyboard user gets the same flow as a mouse user.
 */
export function ConfirmButton({ label, consequence, onConfirm, askReason = false, danger = false }: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const titleId = useId();

  const open = () => {
    setError(undefined);
    setReason('');
    dialog.current?.showModal();
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(reason.trim());
      dialog.current?.close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} onClick={open}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <h2 id={titleId}>{label}?</h2>
        <div className="consequence">{consequence}</div>
        {askReason && (
          <label>
            Reason (optional)
            <input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} />
          </label>
        )}
        <ErrorMessage error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>
            Keep as is
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
            {busy ? 'Working…' : `Yes, ${label.toLowerCase()}`}
          </button>
        </div>
      </dialog>
    </>
  );
}
