import { readDeviceServiceMessage } from './device-service-message';

describe('readDeviceServiceMessage', () => {
  it('reads the envelope data, a bare object, and falls back to the default organization', () => {
    expect(readDeviceServiceMessage({ type: 'device.deleted', data: { device_id: 'd1', organization_id: 'acme' } }, 'default')).toEqual({
      organizationId: 'acme',
      deviceId: 'd1',
      data: { device_id: 'd1', organization_id: 'acme' },
    });
    expect(readDeviceServiceMessage({ device_id: 'd1', device_type: 'frame' }, 'default')).toEqual({
      organizationId: 'default',
      deviceId: 'd1',
      data: { device_id: 'd1', device_type: 'frame' },
    });
    expect(readDeviceServiceMessage({ organization_id: 'acme', data: { device_id: 'd1' } }, 'default')).toMatchObject({ organizationId: 'acme', deviceId: 'd1' });
    expect(readDeviceServiceMessage({ organization_id: 'acme', data: { device_id: 'd1', organization_id: 'other' } }, 'default')).toMatchObject({
      organizationId: 'other',
    });
  });

  it('refuses what is not a usable id', () => {
    for (const event of [null, 'd1', 42, [], {}, { data: { device_id: '' } }, { device_id: 7 }, { device_id: 'a\u0000b' }, { device_id: 'd', organization_id: 5 }]) {
      expect(readDeviceServiceMessage(event, 'default')).toBeNull();
    }
    expect(readDeviceServiceMessage({ device_id: 'd'.repeat(256) }, 'default')).toBeNull();
    expect(readDeviceServiceMessage({ device_id: 'd', organization_id: 'o'.repeat(101) }, 'default')).toBeNull();
  });
});
