import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { CheckInUpdateRow, DeviceKey } from '../updates/updates.repository';
import { UpdatesService } from '../updates/updates.service';

/** Check-ins read together at most this many devices per statement. */
const MAX_BATCH = 1_000;
/**
 * Reads in flight at once; check-ins arriving meanwhile gather into the next batch. One, measured:
 * with two, batches were half the size and check-ins 12% slower at the same p99, since each
 * statement costs the service its syscalls and the database its CPU on the same two cores.
 */
const MAX_READS_IN_FLIGHT = 1;
/**
 * A busy service starts a read at most this often, so check-ins gather into larger batches: each
 * statement costs the service a socket write and Prisma's per-query work, and the database a
 * parse, a plan and a wake-up, on the same cores as the check-ins themselves. Measured with
 * `npm run bench:checkin` (one pair of runs): at 4 ms batches held about 40 check-ins instead of
 * 27, the service spent about 6 µs less CPU per check-in and the p99 stayed put (2 ms: in
 * between). An idle service still reads at once (its last read is long past).
 */
const MIN_READ_SPACING_MS = 4;

/**
 * Coalesces concurrent check-ins into one indexed read. A batch is sent at the next turn of the
 * event loop while fewer than {@link MAX_READS_IN_FLIGHT} reads are out and the last one started
 * {@link MIN_READ_SPACING_MS} ago; otherwise it keeps gathering until both hold. So an idle
 * service answers at once, and a busy one sends fewer, larger statements (each a round trip and a
 * pair of syscalls) the busier it gets. Nothing is cached here: every read sees the database as it
 * is (answers that need no read are `CheckInAnswers`' business).
 */
@Injectable()
export class CheckInReads {
  private readonly loader: DataLoader<DeviceKey, CheckInUpdateRow | null>;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private lastReadAt = Number.NEGATIVE_INFINITY;

  constructor(updates: UpdatesService) {
    this.loader = new DataLoader((devices) => this.read(() => updates.releasedForCheckIn(devices)), {
      cache: false,
      maxBatchSize: MAX_BATCH,
      batchScheduleFn: (dispatch) => {
        if (this.inFlight < MAX_READS_IN_FLIGHT) {
          this.inFlight++;
          this.dispatchSpaced(dispatch);
        } else {
          this.waiting.push(dispatch);
        }
      },
    });
  }

  /** The device's released, unfinished update with its firmware, or null. */
  releasedUpdate(organizationId: string, deviceId: string): Promise<CheckInUpdateRow | null> {
    return this.loader.load({ organizationId, deviceId });
  }

  /** Runs a dispatched batch; when it settles, its slot goes to the oldest gathering batch. */
  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } finally {
      const next = this.waiting.shift();
      if (next) this.dispatchSpaced(next);
      else this.inFlight--;
    }
  }

  /** Sends a batch at the next turn of the event loop, or once {@link MIN_READ_SPACING_MS} have passed since the last read. */
  private dispatchSpaced(dispatch: () => void): void {
    const wait = this.lastReadAt + MIN_READ_SPACING_MS - performance.now();
    const send = () => {
      this.lastReadAt = performance.now();
      dispatch();
    };
    if (wait <= 0) setImmediate(send);
    else setTimeout(send, wait);
  }
}
