import { vi } from 'vitest';

/**
 * A stand-in for uPlot in component tests (`vi.mock('uplot', () => import('…/fake-uplot'))`):
 * jsdom has no canvas (nor `matchMedia`, which uPlot reads as it loads); the pages' tests check
 * what they render around their charts, and the charts' data in their own tests.
 */
export default class FakePlot {
  static paths = { bars: () => () => null };
  height = 0;
  setData = vi.fn();
  setSize = vi.fn();
  destroy = vi.fn();
}
