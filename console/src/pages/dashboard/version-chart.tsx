import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCount } from './format';
import { chartColumns, type VersionBar } from './version-counts';

const HEIGHT = 260;
const BAR_COLOUR = '#0b5cad';

/**
 * Devices per firmware version as uPlot bars, each labelled with its count (so neither colour nor
 * hovering carries the numbers); a visually hidden table says the same to assistive technology.
 */
export function VersionChart({ bars, note }: { bars: VersionBar[]; note?: string }) {
  const holder = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = holder.current;
    if (element === null || bars.length === 0) return;
    const plot = new uPlot(chartOptions(bars, element.clientWidth || 600), chartColumns(bars), element);
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth || 600, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [bars]);

  const total = bars.reduce((sum, bar) => sum + bar.devices, 0);
  return (
    <figure aria-label="Devices by firmware version" className="version-chart">
      {bars.length === 0 ? <p>No devices yet.</p> : <div ref={holder} aria-hidden="true" />}
      <figcaption>
        {formatCount(total)} devices by the firmware version they report.{note ? ` ${note}` : ''}
      </figcaption>
      <table className="visually-hidden">
        <caption>Devices per firmware version</caption>
        <thead>
          <tr>
            <th scope="col">Firmware version</th>
            <th scope="col">Devices</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.version}>
              <th scope="row">{bar.version}</th>
              <td>{formatCount(bar.devices)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function chartOptions(bars: VersionBar[], width: number): uPlot.Options {
  const labels = bars.map((bar) => bar.version);
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: () => [-0.5, bars.length - 0.5] },
      y: { range: (_plot, _min, max) => [0, Math.max(1, max * 1.15)] },
    },
    axes: [
      { splits: () => labels.map((_, index) => index), values: (_plot, splits) => splits.map((index) => labels[index] ?? '') },
      { label: 'Devices', values: (_plot, splits) => splits.map((value) => (Number.isInteger(value) ? formatCount(value) : '')) },
    ],
    series: [{}, { label: 'Devices', fill: BAR_COLOUR, stroke: BAR_COLOUR, paths: uPlot.paths.bars?.({ size: [0.6, 80] }), points: { show: false } }],
    hooks: { draw: [drawCounts] },
  };
}

/** Writes each bar's count above it. */
function drawCounts(plot: uPlot): void {
  const { ctx } = plot;
  const [xs, ys] = [plot.data[0], plot.data[1]];
  if (ys === undefined) return;
  ctx.save();
  ctx.font = `${Math.round(12 * devicePixelRatio)}px system-ui, sans-serif`;
  ctx.fillStyle = '#1b1f24';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  xs.forEach((x, index) => {
    const count = ys[index];
    if (count === null || count === undefined) return;
    ctx.fillText(formatCount(count), plot.valToPos(x, 'x', true), plot.valToPos(count, 'y', true) - 4 * devicePixelRatio);
  });
  ctx.restore();
}
