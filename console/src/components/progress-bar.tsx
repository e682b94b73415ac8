/** A labelled progress bar (role progressbar, so assistive technology reads the value). */
export function ProgressBar({ value, label, max = 100 }: { value: number; label: string; max?: number }) {
  const percent = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={Math.round(value * 10) / 10}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-text">{Math.round(percent)}%</span>
    </div>
  );
}
