import { parseDeviceDeleted } from './device-deleted.subscriber';

describe('parseDeviceDeleted', () => {
  it('reads the envelope data, a bare object, and falls back to the default organization', () => {
    expect(parseDeviceDeleted({ type: 'device.deleted', data: { device_id: 'd1', organization_id: 'acme' } }, 'default')).toEqual({ organizationId: 'acme', deviceId: 'd1' });
    expect(parseDeviceDeleted({ device_id: 'd1' }, 'default')).toEqual({ organizationId: 'default', deviceId: 'd1' });
    expect(parseDeviceDeleted({ organization_id: 'acme', data: { device_id: 'd1' } }, 'default')).toEqual({ organizationId: 'acme', deviceId: 'd1' });
  });

  it('refuses what is not a usable id', () => {
    for (const event of [null, 'd1', 42, {}, { data: { device_id: '' } }, { device_id: 7 }, { device_id: 'a\u0000b' }, { device_id: 'd', organization_id: 5 }]) {
      expect(parseDeviceDeleted(event, 'default')).toBeNull();
    }
  });
});
