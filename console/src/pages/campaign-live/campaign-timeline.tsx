import { timelineItems, type TimelineEntryData } from './timeline-format';

/** Every transition of the campaign, newest first, with who made it and why. */
export function CampaignTimeline({ entries }: { entries: readonly TimelineEntryData[] }) {
  const items = timelineItems(entries);
  if (items.length === 0) return <p>No transitions yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {items.map((item) => (
        <li key={item.key}>
          <strong>{item.title}</strong>
          {item.statusChange && <span className="mono"> {item.statusChange}</span>}
          <div>
            <time dateTime={item.at}>{item.atText}</time> · by {item.actor}
          </div>
          {item.reason && <div className="transition-reason">{item.reason}</div>}
          {item.details.length > 0 && (
            <ul className="transition-details">
              {item.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
