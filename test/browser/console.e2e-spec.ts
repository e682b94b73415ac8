import type { Locator, Page } from 'playwright-core';
import type { components } from '../../clients/typescript';
import { eventually, waitFor } from '../utils/wait-for';
import { blockingViolations } from './harness/accessibility';
import { recordProgressBar } from './harness/element-recorder';
import { browserTestsRequired, CHROMIUM_CANDIDATE, chromiumPath, ConsoleHarness } from './harness/console-harness';
import { simulatorDeviceIds, TempFiles } from './harness/fixtures';
import { runPassiveFleet, type SimulatorRun } from './harness/simulator-process';

/**
 * The operator console in a real browser, against the built service as a new user runs it
 * (embedded PostgreSQL, development tokens) and devices played by the fleet simulator. The tests
 * run in order and build on each other: the firmware uploaded in one is rolled out in the next.
 * Every test leaves a full-page screenshot in test-artifacts/console/.
 */

const CHROMIUM = chromiumPath();
if (CHROMIUM === undefined) {
  const banner = '!'.repeat(100);
  console.warn(
    `${banner}\n!! SKIPPED: the console's browser tests need Chromium, and there is none at ${CHROMIUM_CANDIDATE} (set CHROMIUM_PATH).\n` +
      `!! ${browserTestsRequired ? 'REQUIRE_BROWSER_TESTS=1: failing instead.' : 'Set REQUIRE_BROWSER_TESTS=1 to fail instead (CI does).'}\n${banner}`,
  );
}

/** A campaign, from start to its last device, under the simulator: generous, but bounded. */
const CAMPAIGN_TEST_TIMEOUT_MS = 300_000;
const CAMPAIGN_END_TIMEOUT_MS = 200_000;
const PAGE_TEST_TIMEOUT_MS = 90_000;
/** axe-core takes seconds a page on a busy 2-core machine, and six pages are checked. */
const ACCESSIBILITY_TEST_TIMEOUT_MS = 240_000;

/** The first rollout: 12 devices imported through the console, a firmware uploaded through it. */
const FLEET_A = { prefix: 'web-a-', model: 'WEB-A1', group: 'console-e2e-a', devices: 12, firmwareName: 'Web A firmware' };
/** The failing rollout: 10 devices and two firmware (1.0.0 to roll back to, 2.0.0) set up through the API. */
const FLEET_B = { prefix: 'web-b-', model: 'WEB-B1', group: 'console-e2e-b', devices: 10 };
const STAGES = [10, 50, 100];
/** Buttons that change things; a viewer sees none of them. */
const CAMPAIGN_WRITE_BUTTONS = ['Start', 'Pause', 'Resume', 'Cancel', 'Roll back', 'Advance', 'Approve', 'Retry failed devices'];

type Campaign = components['schemas']['CampaignDetailResponseDto'];

const describeWithBrowser: (name: string, body: () => void) => void = CHROMIUM !== undefined ? describe : browserTestsRequired ? describeMissingBrowser : describe.skip;

function describeMissingBrowser(name: string, _body: () => void): void {
  describe(name, () => {
    it('needs Chromium (REQUIRE_BROWSER_TESTS=1)', () => {
      throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM_CANDIDATE} (set CHROMIUM_PATH)`);
    });
  });
}

describeWithBrowser('operator console in a real browser', () => {
  let harness: ConsoleHarness;
  let files: TempFiles;
  /** Shared by the tests, in the order they run. */
  const state: { firmwareA?: string; campaignA?: string; firmwareB?: string; campaignB?: string } = {};

  beforeAll(async () => {
    files = new TempFiles();
    harness = await ConsoleHarness.start(CHROMIUM as string);
  }, 180_000);

  afterAll(async () => {
    files?.remove();
    await harness?.stop();
  }, 90_000);

  const admin = () => harness.service.admin;

  it(
    'a. signs in with a development token and shows the dashboard',
    () =>
      harness.withPage('a-sign-in-dashboard', async (page) => {
        await harness.signIn(page, 'admin');
        await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();
        await page.getByTestId('who').getByText('admin').waitFor();
      }),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'b. uploads a firmware with a progress bar and shows the SHA-256 of the file',
    () =>
      harness.withPage('b-firmware-upload', async (page) => {
        const image = files.firmwareImage('web-a-2.0.0.bin', 300 * 1024);
        await harness.signIn(page, 'admin');
        await navigate(page, 'Firmware');
        await page.getByRole('heading', { level: 1, name: 'Firmware' }).waitFor();

        const upload = page.getByRole('region', { name: 'Upload firmware' });
        await upload.getByLabel('Firmware file').setInputFiles(image.path);
        await upload.getByLabel('Name', { exact: true }).fill(FLEET_A.firmwareName);
        await upload.getByLabel('Version', { exact: true }).fill('2.0.0');
        await upload.getByLabel('Device model', { exact: true }).fill(FLEET_A.model);
        const progressValues = await recordProgressBar(page, 'Upload progress');
        await upload.getByRole('button', { name: 'Upload', exact: true }).click();

        const checksum = upload.locator('dt', { hasText: /^SHA-256$/ }).locator('xpath=following-sibling::dd[1]');
        await checksum.waitFor();
        expect((await checksum.innerText()).trim()).toBe(image.sha256);
        // The bar showed while the file went up (on loopback 300 KB go in a blink, so it was recorded).
        expect((await progressValues()).length).toBeGreaterThan(0);

        const listed = await admin().GET('/api/v1/firmware', { params: { query: { device_model: FLEET_A.model } } });
        const firmware = listed.data?.firmware.find((entry) => entry.version === '2.0.0');
        expect(firmware?.checksum_sha256).toBe(image.sha256);
        state.firmwareA = firmware?.firmware_id;
      }),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'c. imports devices from a CSV file and lists the row it refused',
    () =>
      harness.withPage('c-devices-import', async (page) => {
        const ids = simulatorDeviceIds(FLEET_A.prefix, FLEET_A.devices);
        const csv = [
          'device_id,device_model,firmware_version,groups',
          ...ids.map((id) => `${id},${FLEET_A.model},1.0.0,${FLEET_A.group}`),
          // Refused by the API (a model longer than 100 characters); the good rows still go in.
          `web-a-bad,${'M'.repeat(101)},1.0.0,${FLEET_A.group}`,
        ].join('\n');
        const csvPath = files.write('devices-a.csv', `${csv}\n`);

        await harness.signIn(page, 'admin');
        await navigate(page, 'Devices');
        await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
        const importSection = page.getByRole('region', { name: 'Import devices' });
        await importSection.getByLabel('Import file').setInputFiles(csvPath);
        await importSection.getByRole('button', { name: 'Import', exact: true }).click();

        await importSection.getByRole('status').filter({ hasText: /Imported 12 new devices/ }).waitFor();
        const errors = await tableRows(importSection.getByRole('table', { name: 'Import errors' }));
        expect(errors.body).toHaveLength(1);
        // Row 13 of the file (line 14, after the header) is the bad one.
        expect(columnOf(errors, /^Row$/)).toEqual(['13']);
        expect(columnOf(errors, /^Device id$/)).toEqual(['web-a-bad']);
        expect(columnOf(errors, /^Problem$/)[0]).toMatch(/device_model/);

        const devices = await admin().GET('/api/v1/devices', { params: { query: { group: FLEET_A.group, limit: 100 } } });
        expect(devices.data?.devices.map((device) => device.device_id).sort()).toEqual(ids);
      }),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'd. creates a staged campaign, starts it and follows it live until every device has the firmware',
    () =>
      harness.withPage(
        'd-campaign-live',
        async (page) => {
          const firmwareId = required(state.firmwareA, 'the firmware of test b');
          await harness.signIn(page, 'admin');
          await navigate(page, 'Campaigns');
          await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
          await page.getByRole('link', { name: 'New campaign' }).click();
          await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();

          await page.getByLabel('Name', { exact: true }).fill('Web A 2.0.0 staged');
          await selectFirmware(page.getByLabel('Firmware', { exact: true }), firmwareId);
          await page.getByLabel('Deployment strategy').selectOption('staged');
          await page.getByLabel('Target groups').fill(FLEET_A.group);
          await page.getByLabel('Stages', { exact: true }).fill(STAGES.join(', '));

          const plan = await admin().POST('/api/v1/campaigns/plan', {
            body: { name: 'plan check', firmware_id: firmwareId, deployment_strategy: 'staged', target_groups: [FLEET_A.group], stages: STAGES },
          });
          const planned = required(plan.data, `the plan API (${plan.response.status})`);
          expect(planned.target_device_count).toBe(FLEET_A.devices);
          await eventually('the preview to count 12 target devices', async () => {
            expect((await page.getByTestId('target-count').innerText()).trim()).toBe(String(FLEET_A.devices));
          });
          await eventually('the stage plan to show the plan API’s device counts', async () => {
            const rows = await tableRows(page.getByRole('table', { name: 'Stage plan' }));
            expect(rows.body).toHaveLength(STAGES.length);
            expect(columnOf(rows, /devices/i)).toEqual(planned.stages.map((stage) => String(stage.devices)));
          });

          await page.getByRole('button', { name: 'Create campaign' }).click();
          await page.waitForURL(/\/console\/campaigns\/[0-9a-f]{32}$/);
          const campaignId = campaignIdOf(page);
          state.campaignA = campaignId;
          await expectStatus(page, 'created');

          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await page.getByRole('button', { name: 'Yes, start' }).click();
          await expectStatus(page, 'in_progress');

          const fleet = runPassiveFleet(harness.service.url, { prefix: FLEET_A.prefix, devices: FLEET_A.devices, model: FLEET_A.model });
          await whileFleetRuns(fleet, async () => {
            await expectStatus(page, 'completed', CAMPAIGN_END_TIMEOUT_MS);
            const progress = page.getByRole('progressbar', { name: 'Campaign progress' });
            await eventually('the progress bar to reach 100', async () => expect(await progress.getAttribute('aria-valuenow')).toBe('100'));
          });

          const campaign = await campaignOf(campaignId);
          expect(campaign).toMatchObject({ status: 'completed', completed_devices: FLEET_A.devices, failed_devices: 0 });
          await page.getByRole('figure', { name: 'Device statuses over time' }).waitFor();
        },
        { readmeScreenshot: 'campaign-live' },
      ),
    CAMPAIGN_TEST_TIMEOUT_MS,
  );

  it(
    'e. shows a campaign breaching its failure threshold and rolling back',
    () =>
      harness.withPage('e-campaign-rollback', async (page) => {
        // Set up through the API: the console's forms were covered above.
        const ids = simulatorDeviceIds(FLEET_B.prefix, FLEET_B.devices);
        const imported = await admin().POST('/api/v1/devices/import', {
          body: ids.map((device_id) => ({ device_id, device_model: FLEET_B.model, firmware_version: '1.0.0', groups: [FLEET_B.group] })),
        });
        expect(imported.data).toMatchObject({ created: FLEET_B.devices, failed: [] });
        // 1.0.0 too: a rollback needs the image the devices ran before.
        await uploadFirmware(FLEET_B.model, '1.0.0');
        const firmwareId = await uploadFirmware(FLEET_B.model, '2.0.0');
        state.firmwareB = firmwareId;
        const created = await admin().POST('/api/v1/campaigns', {
          body: {
            name: 'Web B 2.0.0 (failing)',
            firmware_id: firmwareId,
            deployment_strategy: 'staged',
            stages: [50, 100],
            target_groups: [FLEET_B.group],
            failure_threshold_percent: 20,
            auto_rollback: true,
            rollback_triggers: ['failure_rate', 'timeout'],
            max_retries: 0,
          },
        });
        const campaignId = required(created.data, `campaign creation (${created.response.status})`).campaign_id;
        state.campaignB = campaignId;

        await harness.signIn(page, 'admin');
        await page.goto(harness.consoleUrl(`/campaigns/${campaignId}`));
        await expectStatus(page, 'created');
        await page.getByRole('button', { name: 'Start', exact: true }).click();
        await page.getByRole('button', { name: 'Yes, start' }).click();

        const fleet = runPassiveFleet(harness.service.url, { prefix: FLEET_B.prefix, devices: FLEET_B.devices, model: FLEET_B.model, failureRate: 0.8 });
        await whileFleetRuns(fleet, () => expectStatus(page, 'rolled_back', CAMPAIGN_END_TIMEOUT_MS));

        const failed = await admin().GET('/api/v1/campaigns/{campaign_id}/devices', {
          params: { path: { campaign_id: campaignId }, query: { status: 'failed', kind: 'update', limit: 200 } },
        });
        const failures = required(failed.data, 'the campaign’s failed devices').devices;
        expect(failures.length).toBeGreaterThan(0);

        await page.getByRole('figure', { name: 'Failure rate per stage' }).getByText(/over threshold/i).first().waitFor();
        const failing = page.getByRole('table', { name: 'Failing devices' });
        await eventually('the failing devices table to list every failed device with its error code', async () => {
          const text = (await tableRows(failing)).body.map((row) => row.join(' ')).join('\n');
          for (const failure of failures) {
            expect(text).toContain(failure.device_id);
            expect(text).toContain(required(failure.error_code, `the error code of ${failure.device_id}`));
          }
        });
        // The breach (in_progress → failed, with the rate and the threshold) and the rollback's end.
        const timeline = await page.getByRole('list', { name: 'Timeline' }).innerText();
        expect(timeline).toMatch(/in_progress\s*→\s*failed/);
        expect(timeline).toMatch(/threshold of 20%/);
        expect(timeline).toMatch(/→\s*rolled_back/);
      }),
    CAMPAIGN_TEST_TIMEOUT_MS,
  );

  it(
    'shows the fleet on the dashboard after the campaigns',
    () =>
      harness.withPage(
        'dashboard-after-campaigns',
        async (page) => {
          await harness.signIn(page, 'admin');
          await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();
          const versions = page.getByRole('figure', { name: 'Devices by firmware version' });
          await versions.waitFor();
          // Fleet A is on 2.0.0 now; fleet B is back on 1.0.0 (rolled back, failed or never released).
          await eventually('the chart’s table to count the devices per version', async () => {
            const rows = await tableRows(versions.getByRole('table', { name: 'Devices per firmware version' }));
            expect(rows.body.sort()).toEqual([
              ['1.0.0', String(FLEET_B.devices)],
              ['2.0.0', String(FLEET_A.devices)],
            ]);
          });
        },
        { readmeScreenshot: 'dashboard' },
      ),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'f. shows a viewer no write buttons',
    () =>
      harness.withPage('f-viewer-read-only', async (page) => {
        const firmwareId = required(state.firmwareB, 'the firmware of test e');
        // A campaign an operator could start, cancel or edit: a viewer may only look.
        const created = await admin().POST('/api/v1/campaigns', { body: { name: 'Waiting for an operator', firmware_id: firmwareId, target_groups: [FLEET_B.group] } });
        const campaignId = required(created.data, 'a campaign to look at').campaign_id;

        await harness.signIn(page, 'viewer');
        await page.getByTestId('who').getByText('read-only').waitFor();

        await navigate(page, 'Firmware');
        await page.getByRole('heading', { level: 1, name: 'Firmware' }).waitFor();
        await page.getByText(FLEET_A.firmwareName).first().waitFor();
        await expectAbsent(page.getByRole('region', { name: 'Upload firmware' }), 'the upload section');
        await expectAbsent(page.getByRole('button', { name: 'Upload' }), 'an Upload button');
        await expectAbsent(page.getByRole('button', { name: 'Delete' }), 'a Delete button');

        await navigate(page, 'Devices');
        await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
        await page.getByText(`${FLEET_A.prefix}00000`).first().waitFor();
        await expectAbsent(page.getByRole('region', { name: 'Import devices' }), 'the import section');
        await expectAbsent(page.getByRole('button', { name: 'Import' }), 'an Import button');

        await navigate(page, 'Campaigns');
        await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
        await page.getByText('Waiting for an operator').first().waitFor();
        await expectAbsent(page.getByRole('link', { name: 'New campaign' }), 'the New campaign link');
        await expectAbsent(page.getByRole('button', { name: 'New campaign' }), 'a New campaign button');

        await page.goto(harness.consoleUrl(`/campaigns/${campaignId}`));
        await expectStatus(page, 'created');
        for (const name of CAMPAIGN_WRITE_BUTTONS) await expectAbsent(page.getByRole('button', { name, exact: true }), `a ${name} button`);
      }),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'g. creates a campaign with the keyboard only',
    () =>
      harness.withPage('g-keyboard-only', async (page) => {
        const firmwareId = required(state.firmwareB, 'the firmware of test e');
        await harness.signIn(page, 'admin');
        await page.goto(harness.consoleUrl('/campaigns/new'));
        await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();

        await tabTo(page, /^- textbox "Name"(:|$)/);
        await page.keyboard.type('Typed with the keyboard');
        await tabTo(page, /combobox "Firmware"/);
        const firmwareSelect = page.getByLabel('Firmware', { exact: true });
        await waitFor(
          'the firmware select to reach the firmware of test e with ArrowDown',
          async () => {
            if ((await firmwareSelect.inputValue()) !== firmwareId) await page.keyboard.press('ArrowDown');
            return firmwareSelect.inputValue();
          },
          (value) => value === firmwareId,
          { timeoutMs: 10_000, intervalMs: 100 },
        );
        await tabTo(page, /textbox "Target groups"/);
        await page.keyboard.type(FLEET_B.group);
        await tabTo(page, /textbox "Stages"/);
        await page.keyboard.type('50, 100');
        await tabTo(page, /button "Create campaign"/);
        await page.keyboard.press('Enter');

        await page.waitForURL(/\/console\/campaigns\/[0-9a-f]{32}$/);
        await expectStatus(page, 'created');
        const campaign = await campaignOf(campaignIdOf(page));
        expect(campaign).toMatchObject({ name: 'Typed with the keyboard', firmware_id: firmwareId, target_groups: [FLEET_B.group], stages: [50, 100] });
      }),
    PAGE_TEST_TIMEOUT_MS,
  );

  it(
    'h. has no serious or critical axe-core violations on its main pages',
    () =>
      harness.withPage('h-accessibility', async (page) => {
        const campaignId = required(state.campaignB, 'the campaign of test e');
        const found: string[] = [];
        await page.goto(harness.consoleUrl('/'));
        await page.getByRole('button', { name: 'Sign in with a development token' }).waitFor();
        found.push(...(await blockingViolations(page, 'sign-in')));

        await harness.signIn(page, 'admin');
        const pages: { name: string; path: string; ready: (page: Page) => Locator }[] = [
          { name: 'dashboard', path: '/', ready: (p) => p.getByRole('figure', { name: 'Devices by firmware version' }) },
          { name: 'firmware list', path: '/firmware', ready: (p) => p.getByText(FLEET_A.firmwareName).first() },
          { name: 'devices list', path: '/devices', ready: (p) => p.getByText(`${FLEET_A.prefix}00000`).first() },
          { name: 'new campaign', path: '/campaigns/new', ready: (p) => p.getByRole('button', { name: 'Create campaign' }) },
          { name: 'campaign page', path: `/campaigns/${campaignId}`, ready: (p) => p.getByRole('figure', { name: 'Failure rate per stage' }) },
        ];
        for (const { name, path, ready } of pages) {
          await page.goto(harness.consoleUrl(path));
          await ready(page).waitFor();
          found.push(...(await blockingViolations(page, name)));
        }
        if (found.length > 0) console.error(`axe-core violations:\n${found.join('\n')}`);
        expect(found).toEqual([]);
      }),
    ACCESSIBILITY_TEST_TIMEOUT_MS,
  );

  // --- helpers that need the harness -------------------------------------------------------------

  async function campaignOf(campaignId: string): Promise<Campaign> {
    const answer = await admin().GET('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: campaignId } } });
    return required(answer.data, `campaign ${campaignId} (${answer.response.status})`);
  }

  /** `POST /firmware` through the typed client: the metadata part, then the image. */
  async function uploadFirmware(model: string, version: string): Promise<string> {
    const image = files.firmwareImage(`${model}-${version}.bin`, 64 * 1024);
    const answer = await admin().POST('/api/v1/firmware', {
      body: { metadata: JSON.stringify({ name: `${model} ${version}`, version, device_model: model }), file: `${model}-${version}.bin` },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append('metadata', body.metadata);
        form.append('file', new Blob([new Uint8Array(image.bytes)]), body.file);
        return form;
      },
    });
    return required(answer.data, `firmware ${model} ${version} (${answer.response.status})`).firmware_id;
  }
});

// --- page helpers ----------------------------------------------------------------------------------

async function navigate(page: Page, link: 'Dashboard' | 'Firmware' | 'Devices' | 'Campaigns'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
}

async function expectStatus(page: Page, status: string, timeoutMs = 30_000): Promise<void> {
  const badge = page.getByTestId('campaign-status');
  await eventually(
    `the campaign status to read ${status}`,
    async () => {
      expect((await badge.innerText({ timeout: 1_000 })).trim()).toBe(status);
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** Absence is only meaningful on a loaded page: call it after waiting for the page's content. */
async function expectAbsent(locator: Locator, what: string): Promise<void> {
  const count = await locator.count();
  if (count > 0) throw new Error(`a viewer sees ${what} (${count} on the page)`);
}

/** The option whose value is the firmware id (its label is the page's business). */
async function selectFirmware(select: Locator, firmwareId: string): Promise<void> {
  await eventually('the firmware select to offer the uploaded firmware', async () => {
    expect(await select.locator(`option[value="${firmwareId}"]`).count()).toBe(1);
  });
  await select.selectOption(firmwareId);
}

/** A table's header row and body rows, as the text of each cell. */
async function tableRows(table: Locator): Promise<{ head: string[]; body: string[][] }> {
  await table.waitFor({ state: 'attached' });
  // Text content, not rendered text: a chart's table is visually hidden.
  const head = (await table.locator('thead tr').first().locator('th, td').allTextContents()).map((text) => text.trim());
  const body: string[][] = [];
  for (const row of await table.locator('tbody tr').all()) body.push((await row.locator('th, td').allTextContents()).map((text) => text.trim()));
  return { head, body };
}

function columnOf(rows: { head: string[]; body: string[][] }, header: RegExp): string[] {
  const index = rows.head.findIndex((text) => header.test(text));
  if (index < 0) throw new Error(`no column ${header} among ${JSON.stringify(rows.head)}`);
  return rows.body.map((row) => row[index]);
}

/**
 * Presses Tab until the focused element's accessible role and name match, the way a keyboard user
 * moves through a form. Fails after 60 presses, listing where the focus went.
 */
async function tabTo(page: Page, target: RegExp): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press('Tab');
    const focused = await describeFocus(page);
    if (target.test(focused)) return;
    seen.push(focused);
  }
  throw new Error(`Tab never reached ${target}; focus went through:\n${seen.join('\n')}`);
}

/** The focused element as Playwright's accessibility snapshot puts it: `- textbox "Name"`. */
async function describeFocus(page: Page): Promise<string> {
  const focused = page.locator(':focus');
  if ((await focused.count()) === 0) return '(nothing)';
  return (await focused.first().ariaSnapshot()).split('\n')[0];
}

function campaignIdOf(page: Page): string {
  const match = /\/campaigns\/([0-9a-f]{32})$/.exec(new URL(page.url()).pathname);
  return required(match?.[1], `a campaign id in ${page.url()}`);
}

/**
 * Runs `body` while the simulated devices work, then waits for the simulator's own verdict (it
 * checks every update it worked on against the service). Its output goes with any failure; it is
 * killed if still running.
 */
async function whileFleetRuns(fleet: SimulatorRun, body: () => Promise<void>): Promise<void> {
  let verdict: { code: number | null; output: string };
  try {
    await body();
    verdict = await fleet.finished;
  } catch (error) {
    if (error instanceof Error) error.message += `\n--- simulator output so far ---\n${fleet.output()}`;
    throw error;
  } finally {
    await fleet.stop();
  }
  if (verdict.code !== 0) throw new Error(`the simulator exited with ${verdict.code}:\n${verdict.output}`);
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}
