import { randomBytes } from 'node:crypto';
import { MetricsService } from '../../src/common/observability/metrics.service';
import { DeviceCommandRelay } from '../../src/modules/mqtt/device-command-relay';
import { DeviceReportConsumer } from '../../src/modules/mqtt/device-report.consumer';
import { commandTopic, statusTopic } from '../../src/modules/mqtt/device-topics';
import { MqttConnection } from '../../src/modules/mqtt/mqtt-connection';
import { createDevice } from '../utils/device-factory';
import { itMqtt5, openTestClient, type ReceivedMessage, startTestBroker, type TestBroker, type TestMqttClient } from '../utils/mqtt-broker';
import { startTcpProxy, type TcpProxy } from '../utils/tcp-proxy';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { act, campaignBody, campaignRows, createCampaign, getCampaign, tick } from '../utils/campaign-factory';
import { createFirmware, createUpdate, updateUrl } from '../utils/update-factory';
import { waitFor, waitUntil } from '../utils/wait-for';

/**
 * The device protocol over MQTT against the whole service, a real broker (MQTT_URL, else a private
 * one) and PostgreSQL: commands reach the device through the relay, the device's reports on its
 * status topic drive its update to completion. The service reaches the broker through a TCP proxy
 * so the test can cut it.
 */
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

let broker: TestBroker;
let proxy: TcpProxy;
let t: TestApp;
let devices: TestMqttClient;
let operator: Record<string, string>;

beforeAll(async () => {
  broker = await startTestBroker();
  if (!broker.mqtt5) {
    process.stdout.write(`device-protocol-mqtt.spec: the ${broker.kind} broker lacks MQTT 5 shared subscriptions, so these tests are skipped\n`);
    return;
  }
  proxy = await startTcpProxy({ host: broker.host, port: broker.port });
  // A share group of this run only: no other service instance takes these reports.
  t = await createTestApp({ env: { MQTT_URL: `mqtt://${proxy.address}`, MQTT_SHARE_GROUP: `ota_dp_${RUN}` } });
  devices = await openTestClient(broker, ['ota/v1/devices/+/commands']);
  operator = bearer(await hs256Token({ sub: 'op-mqtt', organization_id: 'org-dp-mqtt', role: 'operator' }));
  await waitUntil('the service to subscribe', () => t.app.get(MqttConnection).connected && t.app.get(DeviceReportConsumer).subscribed);
}, 60_000);
afterAll(async () => {
  await devices?.close();
  await t?.close();
  await proxy?.close();
  await broker?.close();
});

async function newDeviceWithUpdate(name: string) {
  const device = await createDevice(t, operator, { device_id: `mqtt-dp-${RUN}-${name}` });
  const firmware = await createFirmware(t, operator);
  const update = await createUpdate(t, operator, device.device_id, { firmware_id: firmware.firmware_id });
  return { device, firmware, update };
}

function commandsFor(deviceId: string): ReceivedMessage[] {
  return devices.received.filter((message) => message.topic === commandTopic(deviceId));
}

/** Relays pending commands until the device has `count` of them. */
async function relayUntil(deviceId: string, count: number): Promise<ReceivedMessage[]> {
  const relay = t.app.get(DeviceCommandRelay);
  return waitFor(`${count} commands for ${deviceId}`, async () => {
    await relay.relayPending();
    return commandsFor(deviceId);
  }, (got) => got.length >= count);
}

function publish(deviceId: string, body: unknown): Promise<unknown> {
  return devices.client.publishAsync(statusTopic(deviceId), typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
}

async function updateStatus(updateId: string): Promise<Record<string, unknown>> {
  return (await t.request({ method: 'GET', url: updateUrl(updateId), headers: operator })).json();
}

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await t.app.get(MetricsService).registry.getSingleMetric(name)!.get();
  return metric.values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('device protocol over MQTT', () => {
  itMqtt5('the device is told of its update, reports every phase on its status topic, and the update completes', async () => {
    const { device, firmware, update } = await newDeviceWithUpdate('loop');
    const [command] = await relayUntil(device.device_id, 1);
    expect(command).toMatchObject({ qos: 1, retain: false });
    expect(command.payload).toMatchObject({ type: 'update_available', update_id: update.update_id, firmware_id: firmware.firmware_id, version: firmware.version });

    for (const status of ['downloading', 'verifying', 'installing', 'rebooting']) {
      await publish(device.device_id, { update_id: update.update_id, status, progress_percentage: 50 });
    }
    await publish(device.device_id, { update_id: update.update_id, status: 'completed', firmware_version: firmware.version });
    const done = await waitFor('the update to complete', () => updateStatus(update.update_id), (u) => u.status === 'completed');
    expect((done.timeline as { status: string; source: string }[]).filter((entry) => entry.source === 'mqtt').map((entry) => entry.status)).toEqual([
      'downloading', 'verifying', 'installing', 'rebooting', 'completed',
    ]);
    const registered = await t.request({ method: 'GET', url: `/api/v1/devices/${device.device_id}`, headers: operator });
    expect(registered.json().firmware_version).toBe(firmware.version);
    expect(await counterValue('ota_device_reports_total', { transport: 'mqtt', outcome: 'applied' })).toBeGreaterThanOrEqual(5);
  }, 60_000);

  itMqtt5("drops a report on someone else's update and malformed JSON, and keeps consuming", async () => {
    const victim = await newDeviceWithUpdate('victim');
    const intruder = await createDevice(t, operator, { device_id: `mqtt-dp-${RUN}-intruder` });
    const rejectedBefore = await counterValue('ota_mqtt_reports_dropped_total', { reason: 'rejected' });
    const malformedBefore = await counterValue('ota_mqtt_reports_dropped_total', { reason: 'malformed_json' });

    await publish(intruder.device_id, { update_id: victim.update.update_id, status: 'failed', error_code: 'sabotage' });
    await publish(intruder.device_id, '{"update_id": ');
    await waitFor('the drops to be counted', async () => [
      await counterValue('ota_mqtt_reports_dropped_total', { reason: 'rejected' }),
      await counterValue('ota_mqtt_reports_dropped_total', { reason: 'malformed_json' }),
    ], ([rejected, malformed]) => rejected > rejectedBefore && malformed > malformedBefore);
    expect(await updateStatus(victim.update.update_id)).toMatchObject({ status: 'scheduled', error_code: null });

    // A move backwards is refused too, without stopping the consumer.
    await publish(victim.device.device_id, { update_id: victim.update.update_id, status: 'verifying' });
    await waitFor('verifying', () => updateStatus(victim.update.update_id), (u) => u.status === 'verifying');
    await publish(victim.device.device_id, { update_id: victim.update.update_id, status: 'downloading' });
    await publish(victim.device.device_id, { update_id: victim.update.update_id, status: 'failed', error_code: 'disk_full' });
    const failed = await waitFor('failed', () => updateStatus(victim.update.update_id), (u) => u.status === 'failed');
    expect(failed).toMatchObject({ error_code: 'disk_full' });
  }, 60_000);

  itMqtt5('a broker outage loses no command: rows written meanwhile are published after the reconnect', async () => {
    await proxy.cut();
    await waitUntil('the service to see the outage', () => !t.app.get(MqttConnection).connected);
    const { device, update } = await newDeviceWithUpdate('outage');
    const relay = t.app.get(DeviceCommandRelay);
    expect((await relay.relayPending()).published).toBe(0);
    expect(commandsFor(device.device_id)).toEqual([]);

    await proxy.restore();
    await waitUntil('the service to reconnect', () => t.app.get(MqttConnection).connected);
    const received = await relayUntil(device.device_id, 1);
    expect(received[0].payload).toMatchObject({ type: 'update_available', update_id: update.update_id });

    // Reports flow again after the reconnect (the subscription is restored).
    await publish(device.device_id, { update_id: update.update_id, status: 'downloading' });
    await waitFor('downloading', () => updateStatus(update.update_id), (u) => u.status === 'downloading');
  }, 90_000);

  itMqtt5('a blue-green campaign over MQTT: deferred update, staged report, activate command, completion', async () => {
    const model = `MQ-${RUN}`;
    const device = await createDevice(t, operator, { device_id: `mqtt-dp-${RUN}-bg`, device_model: model, groups: [`bg-${RUN}`] });
    const firmware = await createFirmware(t, operator, { device_model: model, version: '2.0.0' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [`bg-${RUN}`], deployment_strategy: 'blue_green' }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, 'org-dp-mqtt');
    const [released] = await relayUntil(device.device_id, 1);
    expect(released.payload).toMatchObject({ type: 'update_available', activation: 'deferred', version: '2.0.0' });
    const updateId = String((released.payload as { update_id: string }).update_id);

    for (const status of ['downloading', 'verifying', 'installing', 'awaiting_activation']) await publish(device.device_id, { update_id: updateId, status });
    await waitFor('the device to stage', async () => (await campaignRows(t, campaign.campaign_id))[0].status, (status) => status === 'awaiting_activation');
    await tick(t, campaign.campaign_id, 'org-dp-mqtt');
    const [, activate] = await relayUntil(device.device_id, 2);
    expect(activate.payload).toEqual({ type: 'activate', update_id: updateId, kind: 'update' });

    await publish(device.device_id, { update_id: updateId, status: 'rebooting' });
    await publish(device.device_id, { update_id: updateId, status: 'completed', firmware_version: '2.0.0' });
    await waitFor('the update to complete', () => updateStatus(updateId), (u) => u.status === 'completed');
    await tick(t, campaign.campaign_id, 'org-dp-mqtt');
    expect((await getCampaign(t, operator, campaign.campaign_id)).status).toBe('completed');
  }, 60_000);

  itMqtt5('cancelling a campaign tells the devices holding its updates over MQTT', async () => {
    const model = `MQC-${RUN}`;
    const device = await createDevice(t, operator, { device_id: `mqtt-dp-${RUN}-cancel`, device_model: model, groups: [`cancel-${RUN}`] });
    const firmware = await createFirmware(t, operator, { device_model: model, version: '2.0.0' });
    const campaign = await createCampaign(t, operator, campaignBody(firmware.firmware_id, { target_groups: [`cancel-${RUN}`] }));
    await act(t, operator, campaign.campaign_id, 'start');
    await tick(t, campaign.campaign_id, 'org-dp-mqtt');
    const [released] = await relayUntil(device.device_id, 1);
    await act(t, operator, campaign.campaign_id, 'cancel', { reason: 'stop' });
    const [, cancelled] = await relayUntil(device.device_id, 2);
    expect(cancelled.payload).toMatchObject({ type: 'update_cancelled', update_id: (released.payload as { update_id: string }).update_id });
  }, 60_000);
});
