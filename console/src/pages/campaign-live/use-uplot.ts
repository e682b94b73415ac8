import { type RefObject, useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * A uPlot chart in the returned container: built when `shapeKey` changes (the series or the x
 * range change shape), fed `data` on every change, kept as wide as its container, destroyed on
 * unmount.
 */
export function useUPlot(makeOptions: (width: number) => uPlot.Options, data: uPlot.AlignedData, shapeKey: string): RefObject<HTMLDivElement | null> {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const latest = useRef({ makeOptions, data });
  latest.current = { makeOptions, data };

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const chart = new uPlot(latest.current.makeOptions(widthOf(element)), latest.current.data, element);
    plot.current = chart;
    // Not in every environment (jsdom); the chart then keeps its first width.
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => {
      if (element.clientWidth > 0) chart.setSize({ width: widthOf(element), height: chart.height });
    });
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [shapeKey]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return container;
}

function widthOf(element: HTMLElement): number {
  return Math.max(200, element.clientWidth);
}
