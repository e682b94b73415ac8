import type { Page } from 'playwright-core';

/**
 * Records, from now on, every `aria-valuenow` a progress bar with this accessible label shows,
 * however briefly: a fast upload shows its bar for less than a frame, which polling would miss.
 * (Page code as a string: the test project compiles without the DOM's types.)
 */
export async function recordProgressBar(page: Page, label: string): Promise<() => Promise<string[]>> {
  const key = `__progress_${label.replace(/\W/g, '_')}`;
  await page.evaluate(`(() => {
    const seen = (window[${JSON.stringify(key)}] = []);
    const selector = '[role="progressbar"][aria-label=' + ${JSON.stringify(JSON.stringify(label))} + ']';
    const look = () => document.querySelectorAll(selector).forEach((bar) => seen.push(bar.getAttribute('aria-valuenow') ?? '(none)'));
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  })()`);
  return async () => (await page.evaluate(`window[${JSON.stringify(key)}]`)) as string[];
}
