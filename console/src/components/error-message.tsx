import { ApiError, messageOf } from '../api/errors';

/** An API error as the API explained it (`detail`, and field errors of a 422), announced to screen readers. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div role="alert" className="error">
      {title && <strong>{title}: </strong>}
      <span data-testid="error-detail">{messageOf(error)}</span>
      {fields.length > 1 && (
        <ul>
          {fields.map((field, index) => (
            <li key={index}>
              <code>{field.loc.join('.')}</code>: {field.msg}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
