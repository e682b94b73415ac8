/**
 * What the fleet as a whole is doing, for a passive run's `--until-idle`: how many devices hold an
 * update (working on it, or staged and waiting for a blue-green switch) and since when none does.
 */
export class FleetActivity {
  private busy = 0;
  private lastChange = performance.now();
  /** Whether any device has had an update yet: before that the fleet is waiting, not idle. */
  sawWork = false;

  begin(): void {
    this.busy++;
    this.sawWork = true;
    this.lastChange = performance.now();
  }

  end(): void {
    this.busy--;
    this.lastChange = performance.now();
  }

  /** How long no device has held an update; 0 while one does or before the first one arrived. */
  idleMs(): number {
    return this.busy > 0 || !this.sawWork ? 0 : performance.now() - this.lastChange;
  }
}

/**
 * At most `size` holders at once (a counting semaphore). A passive run's devices all live for the
 * whole run, so `--concurrency` bounds the devices working on an update at once instead.
 */
export class WorkSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    // The releasing holder hands its slot over: `used` stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}
