import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { firmwareVersionKey, hardwareVersionKey } from '../../src/common/versions/version-key';
import { DeviceMirror } from '../../src/modules/devices/device-mirror.subscriber';
import { NatsInboundSubscriber } from '../../src/modules/events/nats-inbound-subscriber';
import { DEVICES_URL, devicePayload, deviceUrl } from '../utils/device-factory';
import { createTestApp, type TestApp } from '../utils/test-app';
import { bearer, hs256Token } from '../utils/tokens';
import { createFirmware, createUpdate, outboxEvents, sql, updateRow } from '../utils/update-factory';

/**
 * The registry as a mirror of the platform's device service: `device_service.device.created`,
 * `.updated` and `.deleted` over a real NATS (NATS_URL) write `ota.devices`.
 */
const NATS_URL = process.env.NATS_URL;
const describeNats = NATS_URL ? describe : describe.skip;
if (!NATS_URL) process.stdout.write('device-mirror-inbound.spec: NATS_URL is not set, so the inbound NATS tests are skipped\n');

const CREATED = 'device_service.device.created';
const UPDATED = 'device_service.device.updated';
const DELETED = 'device_service.device.deleted';
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
/** Organizations of this run only: every app on the same NATS with an inbound subscription gets these messages. */
const ORG = `org-mirror-${RUN}`;
const DEFAULT_ORG = `org-mirror-default-${RUN}`;

/** A row of `ota.devices` as stored. */
interface MirrorRow {
  organization_id: string;
  device_id: string;
  device_type: string | null;
  device_model: string | null;
  manufacturer: string | null;
  hardware_version: string | null;
  hardware_version_key: Buffer | null;
  firmware_version: string | null;
  firmware_version_key: Buffer | null;
  groups: string[];
  tags: string[];
  attributes: Record<string, unknown>;
  token_hash: string | null;
  token_issued_at: Date | null;
  updated_at: Date;
}

let sequence = 0;
/** The `data` of a created message with every mirrored field set (the registry's device factory), id unique to the run. */
function mirroredDevice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return devicePayload({ device_id: `mirror-${RUN}-${sequence}`, groups: [`group-${RUN}`], ...overrides });
}

function envelope(type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: randomUUID(), type, source: 'device_service', timestamp: new Date().toISOString(), data, version: '1.0.0', ...extra });
}

describeNats('the registry as a mirror of the device service, over NATS', () => {
  let t: TestApp;
  let nats: NatsConnection;
  let operator: Record<string, string>;
  const handled = new EventEmitter();

  beforeAll(async () => {
    // A stream name of this run: the queue group is derived from it, so no other test instance
    // on the same NATS takes these messages. The scheduler is off, so nothing publishes to it.
    t = await createTestApp({ env: { NATS_URL, NATS_STREAM: `OTA_MIRROR_${RUN}`, DEFAULT_ORGANIZATION_ID: DEFAULT_ORG } });
    await t.app.get(NatsInboundSubscriber).ready;
    // Every message the mirror handles, told after it is written: what the tests wait on.
    const mirror = t.app.get(DeviceMirror);
    for (const method of ['upsert', 'delete'] as const) {
      const original = mirror[method].bind(mirror);
      jest.spyOn(mirror, method).mockImplementation((event, subject) => original(event, subject).finally(() => handled.emit('message')));
    }
    nats = await connect({ servers: NATS_URL });
    operator = bearer(await hs256Token({ sub: 'op-mirror', organization_id: ORG, role: 'operator' }));
  }, 30_000);
  afterAll(async () => {
    await nats?.close();
    await t?.close();
  });

  /** The stored row, read with SQL (not through the code under test). */
  async function rowOf(organizationId: string, deviceId: string): Promise<MirrorRow | undefined> {
    const [row] = await sql<MirrorRow>(t, 'SELECT * FROM ota.devices WHERE organization_id = $1 AND device_id = $2', [organizationId, deviceId]);
    return row;
  }

  /** Resolves once the mirror has handled its next message (whatever its outcome). */
  function nextHandled(): Promise<void> {
    return new Promise((resolve) => handled.once('message', resolve));
  }

  /** Waits for the row to satisfy `done`, looking again after each message the mirror handles. */
  async function waitForRow(organizationId: string, deviceId: string, done: (row: MirrorRow | undefined) => boolean): Promise<MirrorRow | undefined> {
    const timeout = AbortSignal.timeout(15_000);
    for (;;) {
      const next = nextHandled();
      const row = await rowOf(organizationId, deviceId);
      if (done(row)) return row;
      if (timeout.aborted) throw new Error(`device ${organizationId}/${deviceId} never reached the expected state; last: ${JSON.stringify(row)}`);
      await Promise.race([next, new Promise((resolve) => timeout.addEventListener('abort', resolve, { once: true }))]);
    }
  }

  /** Publishes a created message and waits for its row (`data.organization_id`, else `extra`'s, else the default). */
  async function mirrorCreated(data: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<MirrorRow> {
    nats.publish(CREATED, envelope('device.created', data, extra));
    return (await waitForRow(String(data.organization_id ?? extra.organization_id ?? DEFAULT_ORG), String(data.device_id), (row) => row !== undefined))!;
  }

  /**
   * Messages of one subject are handled one at a time, in order: once a created message published
   * after them is in, the ones before it were handled.
   */
  const handledSoFar = () => mirrorCreated(mirroredDevice({ organization_id: ORG }));

  it('created: the device is written with the given fields, its version keys and no token; a repeat changes nothing', async () => {
    const data = mirroredDevice({ organization_id: ORG, hardware_version: '1.2', firmware_version: '1.4.2' });
    const row = await mirrorCreated(data);

    expect(row).toMatchObject({
      device_type: data.device_type,
      device_model: data.device_model,
      manufacturer: data.manufacturer,
      hardware_version: '1.2',
      firmware_version: '1.4.2',
      groups: data.groups,
      tags: data.tags,
      attributes: data.attributes,
      token_hash: null,
      token_issued_at: null,
    });
    expect(row.firmware_version_key).toEqual(firmwareVersionKey('1.4.2'));
    expect(row.hardware_version_key).toEqual(hardwareVersionKey('1.2'));
    // The registry API serves it like any device.
    expect((await t.request({ method: 'GET', url: deviceUrl(String(data.device_id)), headers: operator })).json()).toMatchObject({
      device_id: data.device_id,
      groups: data.groups,
    });

    nats.publish(CREATED, envelope('device.created', data));
    await handledSoFar();
    expect({ ...(await rowOf(ORG, String(data.device_id))), updated_at: null }).toEqual({ ...row, updated_at: null });
  });

  it('updated: only the given fields change (the others, and a registered device token, stay)', async () => {
    const registered = await t.request({ method: 'POST', url: DEVICES_URL, headers: operator, payload: mirroredDevice({ firmware_version: '1.4.2' }) });
    expect(registered.statusCode).toBe(201);
    const deviceId = registered.json().device_id as string;
    const before = (await rowOf(ORG, deviceId))!;
    expect(before.token_hash).not.toBeNull();

    nats.publish(UPDATED, envelope('device.updated', { device_id: deviceId, organization_id: ORG, firmware_version: '2.0.0', groups: ['kitchen'] }));
    const after = await waitForRow(ORG, deviceId, (row) => row?.firmware_version === '2.0.0');

    expect(after).toEqual({
      ...before,
      firmware_version: '2.0.0',
      firmware_version_key: firmwareVersionKey('2.0.0'),
      groups: ['kitchen'],
      updated_at: expect.any(Date),
    });
  });

  it('updated for a device the registry does not hold yet creates it', async () => {
    const data = mirroredDevice({ organization_id: ORG });
    nats.publish(UPDATED, envelope('device.updated', data));
    expect(await waitForRow(ORG, String(data.device_id), (row) => row !== undefined)).toMatchObject({ device_type: data.device_type, token_hash: null });
  });

  it('drops a malformed message (logged) and goes on with the next one', async () => {
    const bad = mirroredDevice({ organization_id: ORG });
    nats.publish(CREATED, 'not json');
    nats.publish(CREATED, JSON.stringify({ data: { organization_id: ORG, device_type: 'frame' } }));
    nats.publish(CREATED, envelope('device.created', { ...bad, firmware_version: 5 }));
    nats.publish(CREATED, envelope('device.created', { ...bad, groups: 'kitchen' }));
    nats.publish(CREATED, envelope('device.created', { ...bad, attributes: { nested: { no: true } } }));
    nats.publish(CREATED, envelope('device.created', { ...bad, device_type: 'x'.repeat(101) }));
    nats.publish(CREATED, envelope('device.created', { ...bad, organization_id: 42 }));
    await handledSoFar();

    expect(await sql(t, 'SELECT organization_id FROM ota.devices WHERE device_id = $1', [bad.device_id])).toEqual([]);
  });

  it("takes the organization from data, else from the envelope, else the default organization's", async () => {
    const inData = mirroredDevice({ organization_id: ORG });
    await mirrorCreated(inData, { organization_id: 'org-envelope-ignored' });

    const inEnvelope = mirroredDevice();
    await mirrorCreated(inEnvelope, { organization_id: ORG });

    const bare = mirroredDevice();
    nats.publish(CREATED, JSON.stringify(bare));
    await waitForRow(DEFAULT_ORG, String(bare.device_id), (row) => row !== undefined);

    expect(await rowOf('org-envelope-ignored', String(inData.device_id))).toBeUndefined();
    expect(await rowOf(DEFAULT_ORG, String(inEnvelope.device_id))).toBeUndefined();
    expect(await rowOf(ORG, String(bare.device_id))).toBeUndefined();
  });

  it('deleted: the mirrored row goes and its unfinished update is cancelled, with no device.deleted of ours', async () => {
    const data = mirroredDevice({ organization_id: ORG });
    await mirrorCreated(data);
    const deviceId = String(data.device_id);
    const firmware = await createFirmware(t, operator);
    const update = await createUpdate(t, operator, deviceId, { firmware_id: firmware.firmware_id });
    // The same id in another organization is not touched.
    const elsewhere = await mirrorCreated({ ...data, organization_id: DEFAULT_ORG });

    nats.publish(DELETED, envelope('device.deleted', { device_id: deviceId, organization_id: ORG }));
    await waitForRow(ORG, deviceId, (row) => row === undefined);

    expect((await updateRow(t, update.update_id)).status).toBe('cancelled');
    expect(await outboxEvents(t, 'device_id', deviceId)).not.toContainEqual(expect.objectContaining({ type: 'device.deleted' }));
    expect(await rowOf(DEFAULT_ORG, deviceId)).toEqual(elsewhere);

    // A repeat and a device the registry never held are harmless; without an organization the
    // message is about the default organization's device. In order: once that one is gone, all were handled.
    nats.publish(DELETED, envelope('device.deleted', { device_id: deviceId, organization_id: ORG }));
    nats.publish(DELETED, envelope('device.deleted', { device_id: `never-${RUN}`, organization_id: ORG }));
    nats.publish(DELETED, envelope('device.deleted', { device_id: deviceId }));
    await waitForRow(DEFAULT_ORG, deviceId, (row) => row === undefined);
    expect(await rowOf(ORG, deviceId)).toBeUndefined();
    expect((await updateRow(t, update.update_id)).status).toBe('cancelled');
  });
});
