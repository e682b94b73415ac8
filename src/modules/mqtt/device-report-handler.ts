import type { DeviceReport } from './device-report';

/** Applied, or rejected with the reason the bridge logs (the error code and detail a device would get over HTTP). */
export type DeviceReportOutcome = { outcome: 'applied' } | { outcome: 'rejected'; reason: string };

/**
 * Applies a status report a device published over MQTT. The MQTT bridge only transports and
 * validates the shape; the module owning updates implements this port (find the update by
 * `update_id`, check it belongs to `deviceId`, apply the state machine) and provides it under
 * {@link DEVICE_REPORT_HANDLER}. Without a provider the bridge does not subscribe to reports.
 */
export interface DeviceReportHandler {
  /**
   * Rejected when the report cannot apply (someone else's update, an unknown update, a move
   * backwards, a terminal update); the bridge logs and counts it. A thrown error is counted as
   * `error` and never stops the consumer.
   */
  handleReport(deviceId: string, report: DeviceReport): Promise<DeviceReportOutcome>;
}

export const DEVICE_REPORT_HANDLER = Symbol('DEVICE_REPORT_HANDLER');
