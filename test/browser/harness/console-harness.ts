import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ARTIFACTS_DIR, CONSOLE_INDEX, README_SCREENSHOTS_DIR, SERVICE_MAIN, SIMULATOR_MAIN } from './paths';
import { type ServiceProcess, startService } from './service-process';

/** Where the suite looks for Chromium: CHROMIUM_PATH, or Debian's package. No browser is ever downloaded. */
export const CHROMIUM_CANDIDATE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The Chromium to run, or undefined when there is none. */
export function chromiumPath(): string | undefined {
  return existsSync(CHROMIUM_CANDIDATE) ? CHROMIUM_CANDIDATE : undefined;
}

/** CI sets REQUIRE_BROWSER_TESTS=1: there a missing browser fails the run instead of skipping it. */
export const browserTestsRequired = process.env.REQUIRE_BROWSER_TESTS === '1';

/** Flags for a browser in a container: no sandbox (root), no GPU, nothing that calls home. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 900 };
/** Playwright's per-action wait: pages load data from the service, which may be busy. */
const ACTION_TIMEOUT_MS = 20_000;

export type Role = 'viewer' | 'operator' | 'admin';
export type ReadmeScreenshot = 'dashboard' | 'campaign-live';

export interface PageTestOptions {
  /** With UPDATE_README_SCREENSHOTS=1, a passing test's final screenshot also becomes console/screenshots/<name>.png. */
  readmeScreenshot?: ReadmeScreenshot;
}

/**
 * One built service (embedded PostgreSQL) and one Chromium for the whole file; a fresh browser
 * context (cookies, sessionStorage) per test, and a full-page screenshot at the end of each test,
 * passed or failed.
 */
export class ConsoleHarness {
  private constructor(
    readonly service: ServiceProcess,
    private readonly browser: Browser,
  ) {}

  static async start(executablePath: string): Promise<ConsoleHarness> {
    for (const [file, what] of [
      [CONSOLE_INDEX, 'the console (dist/console/index.html)'],
      [SERVICE_MAIN, 'the service (dist/main.js)'],
      [SIMULATOR_MAIN, 'the simulator (dist/cli/simulate.js)'],
    ]) {
      if (!existsSync(file)) throw new Error(`${what} is not built: run npm run build first`);
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const service = await startService({ logFile: join(ARTIFACTS_DIR, 'service.log') });
    try {
      const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
      return new ConsoleHarness(service, browser);
    } catch (error) {
      await service.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await this.service.stop();
    }
  }

  /** The console's address for a path inside it (`/campaigns/new`). */
  consoleUrl(path = '/'): string {
    return `${this.service.url}/console${path === '/' ? '/' : path}`;
  }

  /**
   * Runs `body` with a page in a fresh context. On failure prints what explains it: the page's
   * console errors and uncaught exceptions, and the end of the service's log.
   */
  async withPage(name: string, body: (page: Page) => Promise<void>, options: PageTestOptions = {}): Promise<void> {
    const context = await this.browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const browserErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserErrors.push(`uncaught: ${error.stack ?? error.message}`));
    const screenshot = join(ARTIFACTS_DIR, `${name}.png`);
    let passed = false;
    try {
      await body(page);
      passed = true;
    } catch (error) {
      console.error(
        [
          `console test "${name}" failed at ${page.url()}: ${error instanceof Error ? error.message : String(error)}`,
          `browser errors:\n${browserErrors.join('\n') || '(none)'}`,
          `service log (end):\n${this.service.logTail().slice(-8_000)}`,
          `screenshot: ${screenshot}`,
        ].join('\n\n'),
      );
      throw error;
    } finally {
      await page.screenshot({ path: screenshot, fullPage: true }).catch((error: unknown) => console.error(`no screenshot for "${name}": ${String(error)}`));
      await context.close();
    }
    if (passed && options.readmeScreenshot !== undefined && process.env.UPDATE_README_SCREENSHOTS === '1') {
      mkdirSync(README_SCREENSHOTS_DIR, { recursive: true });
      copyFileSync(screenshot, join(README_SCREENSHOTS_DIR, `${options.readmeScreenshot}.png`));
    }
  }

  /** Signs in on the console's sign-in page with a development token, and waits for the shell. */
  async signIn(page: Page, role: Role = 'admin', userId = `e2e-${role}`): Promise<void> {
    await page.goto(this.consoleUrl('/'));
    await page.getByLabel('User id').fill(userId);
    await page.getByLabel('Role').selectOption(role);
    await page.getByRole('button', { name: 'Sign in with a development token' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();
  }
}
