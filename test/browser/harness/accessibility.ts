import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** What the console promises: axe-core finds nothing `serious` or `critical`. */
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

/** The blocking axe-core violations on the page as it is now, one readable paragraph each. */
export async function blockingViolations(page: Page, pageName: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ''))
    .map((violation) =>
      [
        `[${pageName}] ${violation.impact} ${violation.id}: ${violation.help} (${violation.helpUrl})`,
        ...violation.nodes.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.replace(/\n/g, ' ') ?? ''}\n      ${node.html}`),
      ].join('\n'),
    );
}
