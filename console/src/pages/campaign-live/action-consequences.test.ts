import { describe, expect, it } from 'vitest';
import { consequenceOf, type ConsequenceFacts, devices } from './action-consequences';

const facts = (over: Partial<ConsequenceFacts> = {}): ConsequenceFacts => ({
  counts: { pending: 12, in_progress: 5, completed: 8, failed: 3, cancelled: 0, total: 28 },
  targetDevices: 28,
  firmwareVersion: '2.0.0',
  deploymentStrategy: 'staged',
  startsAt: null,
  stagePlan: [
    { stage: 0, devices: 6, status: 'finished' },
    { stage: 1, devices: 11, status: 'open' },
    { stage: 2, devices: 11, status: 'pending' },
  ],
  stagedDevices: 0,
  ...over,
});

describe('consequenceOf', () => {
  it('says how many devices each action touches', () => {
    expect(consequenceOf('pause', facts())).toBe('No more updates are released: 12 devices not released yet wait. The 5 devices updating now carry on and are still counted.');
    expect(consequenceOf('cancel', facts())).toContain('12 devices not released yet never get it, and the 5 devices updating now are told to stop. The 8 devices already updated keep firmware 2.0.0.');
    expect(consequenceOf('rollback', facts())).toBe('The 17 devices not finished are cancelled, and each of the 8 devices that completed the update goes back to the firmware it ran before.');
    expect(consequenceOf('retry', facts())).toContain('over the 3 devices whose update failed');
    expect(consequenceOf('resume', facts())).toBe('Releasing goes on: 12 devices still wait for firmware 2.0.0.');
    expect(consequenceOf('approve', facts())).toContain('28 devices selected now');
    expect(consequenceOf('reject', facts())).toContain('never start');
  });

  it('names the stage that advance opens, or the blue-green switch', () => {
    expect(consequenceOf('advance', facts())).toBe('Stage 3 opens now and its 11 devices start updating, without waiting for the open stage to finish and pass its gate.');
    expect(consequenceOf('advance', facts({ deploymentStrategy: 'blue_green', stagedDevices: 7 }))).toBe('The 7 devices staged on their standby slot switch to the new image now, together.');
  });

  it('says whether a start waits for its time, and which stage goes first', () => {
    expect(consequenceOf('start', facts())).toBe('The targets are resolved now and 28 devices start getting firmware 2.0.0, Stage 1 first (6 devices).');
    expect(consequenceOf('start', facts({ stagePlan: [{ stage: 0, devices: 28, status: 'pending' }] }))).toBe('The targets are resolved now and 28 devices start getting firmware 2.0.0.');
    expect(consequenceOf('start', facts({ startsAt: '2030-01-01T00:00:00.000Z' }))).toContain(`waits until ${new Date('2030-01-01T00:00:00.000Z').toLocaleString()}`);
  });
});

describe('devices', () => {
  it('agrees in number', () => {
    expect(devices(1)).toBe('1 device');
    expect(devices(0)).toBe('0 devices');
    expect(devices(1500)).toBe(`${(1500).toLocaleString()} devices`);
  });
});
