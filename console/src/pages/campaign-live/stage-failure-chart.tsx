import { useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { formatRate, rateAxisMax, stageChartData, type StageFailure } from './stage-failures';
import { useUPlot } from './use-uplot';

const HEIGHT = 220;

/** One bar per stage (its failure rate) against the campaign's threshold line, with the same figures as a table. */
export function StageFailureFigure({ stages }: { stages: StageFailure[] }) {
  return (
    <figure aria-label="Failure rate per stage" className="live-chart">
      {stages.length === 0 ? <figcaption>No stage has opened yet: the campaign has not started.</figcaption> : <StageBars stages={stages} />}
    </figure>
  );
}

function StageBars({ stages }: { stages: StageFailure[] }) {
  const stagesRef = useRef(stages);
  stagesRef.current = stages;
  const data = useMemo<uPlot.AlignedData>(() => stageChartData(stages), [stages]);
  // Rebuilt when the number of stages changes: the x range depends on it.
  const container = useUPlot((width) => chartOptions(width, stagesRef), data, `stages-${stages.length}`);

  return (
    <>
      <div ref={container} className="chart-canvas" aria-hidden="true" />
      <table className="stage-failures">
        <caption className="visually-hidden">Failure rate per stage against the threshold</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Failure rate</th>
            <th scope="col">Threshold</th>
            <th scope="col">Failed / finished</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((stage) => (
            <tr key={stage.stage} className={stage.overThreshold ? 'over-threshold' : undefined}>
              <th scope="row">{stage.label}</th>
              <td>
                {formatRate(stage.failureRate)}
                {stage.overThreshold && <strong className="over-threshold-text"> (over threshold)</strong>}
              </td>
              <td>{stage.thresholdPercent}%</td>
              <td>
                {stage.failed} / {stage.failed + stage.completed} <span className="hint">of {stage.planned} planned</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function chartOptions(width: number, stagesRef: { current: StageFailure[] }): uPlot.Options {
  const count = stagesRef.current.length;
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, count - 0.5] }, y: { range: () => [0, rateAxisMax(stagesRef.current)] } },
    axes: [
      {
        splits: () => stagesRef.current.map((_, index) => index),
        values: (_self, splits) => splits.map((index) => stagesRef.current[index]?.label ?? ''),
        grid: { show: false },
      },
      { values: (_self, splits) => splits.map((value) => `${value}%`), label: 'Failure rate' },
    ],
    series: [
      {},
      {
        label: 'Failure rate',
        // No outline: with per-bar fills uPlot draws each bar in its own colour.
        width: 0,
        fill: BAR_FILL,
        paths: uPlot.paths.bars?.({ size: [0.6, 90], disp: { fill: { unit: COLOUR_UNIT, values: () => barFills(stagesRef.current) } } }),
        points: { show: false },
      },
      { label: 'Threshold', stroke: '#b42318', width: 2, dash: [6, 4], points: { show: false } },
    ],
  };
}

const BAR_FILL = 'rgba(11, 92, 173, 0.75)';
const OVER_FILL = 'rgba(180, 35, 24, 0.8)';
/** uPlot's `BarsPathBuilderFacetUnit.Color`, a const enum its types declare but its code does not export. */
const COLOUR_UNIT = 3 as uPlot.Series.BarsPathBuilderFacetUnit;

/** A colour per point of `stageChartData` (the padding points have no bar); the table says "over threshold" in words. */
function barFills(stages: StageFailure[]): (string | undefined)[] {
  return [undefined, ...stages.map((stage) => (stage.overThreshold ? OVER_FILL : BAR_FILL)), undefined];
}
