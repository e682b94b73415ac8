import type { TransactionClient } from '../../database/prisma.service';

/**
 * A command for one device, published as JSON to `ota/v1/devices/{device_id}/commands`.
 * `update_available`: an update was released (or re-released) for the device; `update_cancelled`:
 * the device should stop working on it; `activate`: a blue-green update staged on the device's
 * standby slot is to be switched to now.
 */
export interface DeviceCommand {
  type: 'update_available' | 'update_cancelled' | 'activate';
  update_id: string;
  /** `update` or `rollback`. */
  kind: string;
  firmware_id?: string;
  version?: string;
  /** Why, for a cancel (`operator`, `superseded`, `rollback`). */
  reason?: string;
  [key: string]: unknown;
}

export interface DeviceCommandRequest {
  organizationId: string;
  deviceId: string;
  command: DeviceCommand;
}

/**
 * Where device commands go, written in the transaction of the change that causes them so a
 * command exists exactly when the change was committed (the MQTT relay reads them later).
 */
export interface DeviceCommandSink {
  enqueue(tx: TransactionClient, request: DeviceCommandRequest): Promise<void>;
  /** Many commands in one statement. */
  enqueueMany(tx: TransactionClient, requests: DeviceCommandRequest[]): Promise<void>;
}

export const DEVICE_COMMAND_SINK = Symbol('DEVICE_COMMAND_SINK');
