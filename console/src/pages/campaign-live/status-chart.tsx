import { useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { GROUP_LABELS, groupCounts, STATUS_GROUPS, stackSeries, type StatusGroup, type StatusHistory } from './status-series';
import { useUPlot } from './use-uplot';

/** Fill and line of each group; the legend and the caption carry the names, not the colours. */
const COLOURS: Record<StatusGroup, { stroke: string; fill: string }> = {
  completed: { stroke: '#1a7f37', fill: 'rgba(26, 127, 55, 0.55)' },
  failed: { stroke: '#b42318', fill: 'rgba(180, 35, 24, 0.6)' },
  cancelled: { stroke: '#6e7781', fill: 'rgba(110, 119, 129, 0.5)' },
  in_progress: { stroke: '#0b5cad', fill: 'rgba(11, 92, 173, 0.45)' },
  pending: { stroke: '#9a6700', fill: 'rgba(242, 217, 140, 0.55)' },
};

const HEIGHT = 260;

/** The campaign's devices by status group over time, stacked; the legend shows each group's own count. */
export function StatusChart({ history, latest }: { history: StatusHistory; latest: Record<string, number> | undefined }) {
  const historyRef = useRef(history);
  historyRef.current = history;
  const data = useMemo<uPlot.AlignedData>(() => [history.times, ...stackSeries(history)], [history]);

  const container = useUPlot((width) => chartOptions(width, historyRef), data, 'status-chart');
  const now = latest === undefined ? undefined : groupCounts(latest);

  return (
    <figure aria-label="Device statuses over time" className="live-chart">
      <div ref={container} className="chart-canvas" aria-hidden="true" />
      <figcaption>
        {now === undefined
          ? 'Waiting for the first counts…'
          : `Now: ${STATUS_GROUPS.map((group) => `${GROUP_LABELS[group].toLowerCase()} ${now[group]}`).join(', ')} (of ${now.total} devices).`}
        {' The chart covers the time this page has been open.'}
      </figcaption>
    </figure>
  );
}

function chartOptions(width: number, historyRef: { current: StatusHistory }): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true, range: timeRange }, y: { range: (_self, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { label: 'Devices' }],
    series: [
      {},
      ...STATUS_GROUPS.map((group) => ({
        label: GROUP_LABELS[group],
        stroke: COLOURS[group].stroke,
        fill: COLOURS[group].fill,
        width: 1,
        // A lone point (a page opened on a finished campaign) draws no area: mark it.
        points: { show: (self: uPlot) => self.data[0].length === 1 },
        // The legend shows the group's own count, not the running sum the line is drawn at.
        value: (_self: uPlot, _stacked: number, _series: number, point: number | null) => (point === null ? '–' : String(historyRef.current.groups[group][point] ?? '–')),
      })),
    ],
    // Each group's band is filled between its running sum and the one below it (series k+1 over k).
    bands: STATUS_GROUPS.slice(1).map((group, index) => ({ series: [index + 2, index + 1] as [number, number], fill: COLOURS[group].fill })),
  };
}

/** uPlot spans a single point over a day (and its time axis then over years); a minute either side reads better. */
function timeRange(self: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const times = self.data[0];
  const only = times.length === 1 ? times[0] : undefined;
  return only === undefined ? [min, max] : [only - 60, only + 60];
}
