import type { HTMLAttributes, ReactNode } from 'react';

/**
 * Labelled inputs of the campaign form. Each input's id comes from its field's path
 * (`fieldId('maintenance_windows.0.cron')`), so the list of problems can link to and focus it.
 * The label holds only the field's name (its accessible name); the hint and the problem are tied
 * to the input with aria-describedby.
 */
export function fieldId(field: string): string {
  return `campaign-${field.replace(/[^\w-]/g, '-')}`;
}

interface FieldProps {
  field: string;
  label: string;
  hint?: ReactNode;
  problem?: string;
}

function describedBy(field: string, hint: ReactNode, problem: string | undefined): string | undefined {
  const ids = [hint ? `${fieldId(field)}-hint` : '', problem ? `${fieldId(field)}-problem` : ''].filter((id) => id !== '');
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Notes({ field, hint, problem }: { field: string; hint?: ReactNode; problem?: string }) {
  return (
    <>
      {hint && (
        <span id={`${fieldId(field)}-hint`} className="hint">
          {hint}
        </span>
      )}
      {problem && (
        <span id={`${fieldId(field)}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </>
  );
}

type InputMode = HTMLAttributes<HTMLInputElement>['inputMode'];

export function TextField({
  field,
  label,
  hint,
  problem,
  value,
  onChange,
  type = 'text',
  inputMode,
  placeholder,
  required,
  list,
  maxLength,
}: FieldProps & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'datetime-local';
  inputMode?: InputMode;
  placeholder?: string;
  required?: boolean;
  list?: string;
  maxLength?: number;
}) {
  const id = fieldId(field);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={field}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        inputMode={inputMode}
        placeholder={placeholder}
        required={required}
        list={list}
        maxLength={maxLength}
        autoComplete="off"
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy(field, hint, problem)}
      />
      <Notes field={field} hint={hint} problem={problem} />
    </div>
  );
}

/**
 * A numeric field, typed as text (the form reads and bounds it). Left blank, the service's default
 * applies: it is the placeholder, and the hint says so in words (a placeholder is easily missed).
 */
export function NumberField(props: Omit<FieldProps, 'hint'> & { hint?: string; value: string; onChange: (value: string) => void; fallback?: number; decimals?: boolean }) {
  const { fallback, decimals, hint, ...rest } = props;
  const fullHint = fallback === undefined ? hint : [hint, `Default: ${fallback}.`].filter((part) => part !== undefined).join(' ');
  return <TextField {...rest} hint={fullHint} inputMode={decimals ? 'decimal' : 'numeric'} placeholder={fallback === undefined ? undefined : String(fallback)} />;
}

export function TextAreaField({
  field,
  label,
  hint,
  problem,
  value,
  onChange,
  rows = 3,
  placeholder,
}: FieldProps & { value: string; onChange: (value: string) => void; rows?: number; placeholder?: string }) {
  const id = fieldId(field);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name={field}
        rows={rows}
        value={value}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy(field, hint, problem)}
      />
      <Notes field={field} hint={hint} problem={problem} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  hint,
  problem,
  value,
  onChange,
  required,
  children,
}: FieldProps & { value: string; onChange: (value: string) => void; required?: boolean; children: ReactNode }) {
  const id = fieldId(field);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={field}
        value={value}
        required={required}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy(field, hint, problem)}
      >
        {children}
      </select>
      <Notes field={field} hint={hint} problem={problem} />
    </div>
  );
}

export function CheckboxField({ field, label, hint, checked, onChange }: Omit<FieldProps, 'problem'> & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = fieldId(field);
  return (
    <div className="field checkbox">
      <input id={id} name={field} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} aria-describedby={describedBy(field, hint, undefined)} />
      <label htmlFor={id}>{label}</label>
      <Notes field={field} hint={hint} />
    </div>
  );
}
