import { Injectable } from '@nestjs/common';
import type { LastSeenEntry } from '../devices/devices.repository';
import { LastSeenHook, type LastSeenListener } from '../devices/last-seen-hook';
import { HealthChecksService } from './health-checks.service';

/** Check-ins reporting a version confirm the open health windows of updates to it, once per last-seen flush. */
@Injectable()
@LastSeenHook()
export class HealthChecksOnSeen implements LastSeenListener {
  constructor(private readonly healthChecks: HealthChecksService) {}

  async onSeen(entries: readonly LastSeenEntry[]): Promise<void> {
    const seen = entries.flatMap((entry) =>
      entry.firmwareVersion === null ? [] : [{ organizationId: entry.organizationId, deviceId: entry.deviceId, version: entry.firmwareVersion, seenAt: entry.seenAt }],
    );
    await this.healthChecks.confirmSeen(seen);
  }
}
