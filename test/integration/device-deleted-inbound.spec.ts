import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsInboundSubscriber } from '../../src/modules/events/nats-inbound-subscriber';
import { createDevice } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware, createUpdate, deviceCommands, updateUrl } from '../utils/update-factory';
import { waitFor } from '../utils/wait-for';

/**
 * `device_service.device.deleted` from the platform's device service, over a real NATS
 * (NATS_URL): the device's unfinished updates are cancelled.
 */
const NATS_URL = process.env.NATS_URL;
const describeNats = NATS_URL ? describe : describe.skip;
if (!NATS_URL) process.stdout.write('device-deleted-inbound.spec: NATS_URL is not set, so the inbound NATS tests are skipped\n');

const SUBJECT = 'device_service.device.deleted';
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

describeNats('inbound device deletions over NATS', () => {
  let t: TestApp;
  let nats: NatsConnection;
  let operator: Record<string, string>;
  let defaultOperator: Record<string, string>;

  beforeAll(async () => {
    // A stream name of this run: the queue group is derived from it, so no other test instance
    // on the same NATS takes these messages. The scheduler is off, so nothing publishes to it.
    t = await createTestApp({ env: { NATS_URL, NATS_STREAM: `OTA_INBOUND_${RUN}` } });
    await t.app.get(NatsInboundSubscriber).ready;
    nats = await connect({ servers: NATS_URL });
    operator = bearer(await hs256Token({ sub: 'op-in', organization_id: 'org-inbound', role: 'operator' }));
    defaultOperator = bearer(await hs256Token({ sub: 'op-def', organization_id: t.config.auth.defaultOrganizationId, role: 'operator' }));
  }, 30_000);
  afterAll(async () => {
    await nats?.close();
    await t?.close();
  });

  async function deviceWithUpdate(headers: Record<string, string>, name: string) {
    const device = await createDevice(t, headers, { device_id: `inbound-${RUN}-${name}` });
    const firmware = await createFirmware(t, headers);
    const update = await createUpdate(t, headers, device.device_id, { firmware_id: firmware.firmware_id });
    return { device, update };
  }

  const statusOf = async (headers: Record<string, string>, updateId: string): Promise<string> =>
    (await t.request({ method: 'GET', url: updateUrl(updateId), headers })).json().status;

  async function waitForStatus(headers: Record<string, string>, updateId: string, status: string): Promise<void> {
    await waitFor(`update ${updateId} to become ${status}`, () => statusOf(headers, updateId), (current) => current === status, { timeoutMs: 15_000 });
  }

  function envelope(data: Record<string, unknown>): string {
    return JSON.stringify({ id: randomUUID(), type: 'device.deleted', source: 'device_service', timestamp: new Date().toISOString(), data, version: '1.0.0' });
  }

  it("cancels the deleted device's unfinished update, and a repeat changes nothing", async () => {
    const { device, update } = await deviceWithUpdate(operator, 'a');
    const bystander = await deviceWithUpdate(operator, 'b');
    // Malformed messages are dropped without stopping the subscription.
    nats.publish(SUBJECT, 'not json');
    nats.publish(SUBJECT, JSON.stringify({ data: { organization_id: 'org-inbound' } }));
    nats.publish(SUBJECT, envelope({ device_id: device.device_id, organization_id: 'org-inbound' }));
    await waitForStatus(operator, update.update_id, 'cancelled');
    const detail = (await t.request({ method: 'GET', url: updateUrl(update.update_id), headers: operator })).json();
    expect(detail.timeline.at(-1)).toMatchObject({ status: 'cancelled', source: 'system' });

    nats.publish(SUBJECT, envelope({ device_id: device.device_id, organization_id: 'org-inbound' }));
    await nats.flush();
    // The other device's update is untouched; the deleted device is sent no cancel command.
    expect(await statusOf(operator, bystander.update.update_id)).toBe('scheduled');
    expect((await deviceCommands(t, device.device_id)).map((row) => row.payload.type)).toEqual(['update_available']);
  });

  it('without organization_id, takes the device as one of the default organization', async () => {
    const inDefault = await deviceWithUpdate(defaultOperator, 'shared-id');
    const sameIdElsewhere = await deviceWithUpdate(operator, 'shared-id');
    nats.publish(SUBJECT, envelope({ device_id: inDefault.device.device_id }));
    await waitForStatus(defaultOperator, inDefault.update.update_id, 'cancelled');
    expect(await statusOf(operator, sameIdElsewhere.update.update_id)).toBe('scheduled');
  });
});
