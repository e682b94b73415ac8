/** What a simulation run counts, printed as its summary. */
export class RunStats {
  devices = 0;
  devicesRegistered = 0;
  devicesReused = 0;
  tokensIssued = 0;
  updatesCreated = 0;
  updatesNotCreated = 0;
  checkIns = 0;
  checkInsNotModified = 0;
  updatesReceived = 0;
  completed = 0;
  /** Failures the run injected on purpose (`--failure-rate`). */
  failedInjected = 0;
  cancelled = 0;
  /** Updates already finished when the device first looked (e.g. already on the version). */
  alreadyFinished = 0;
  reportsSent = 0;
  bytesDownloaded = 0;
  checksumMismatches = 0;
  verified = 0;
  verificationMismatches = 0;
  /** Devices that never received work although the run released some for them. */
  devicesWithoutUpdate = 0;
  readonly updateSeconds: number[] = [];
  readonly errors: string[] = [];
  readonly phases: [string, number][] = [];

  error(message: string): void {
    this.errors.push(message);
  }

  /** Runs `work` as a named phase of the run and keeps its duration. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push([name, (performance.now() - started) / 1000]);
    }
  }

  /** Unexpected outcomes; the run exits 1 when there is any. */
  get problems(): number {
    return this.errors.length + this.checksumMismatches + this.verificationMismatches + this.devicesWithoutUpdate;
  }

  print(write: (line: string) => void): void {
    const percentile = (p: number) => {
      if (this.updateSeconds.length === 0) return '-';
      const sorted = [...this.updateSeconds].sort((a, b) => a - b);
      return `${sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(2)} s`;
    };
    const rows: [string, string][] = [
      ['devices', `${this.devices} (${this.devicesRegistered} registered, ${this.devicesReused} reused, ${this.tokensIssued} tokens issued)`],
      ['updates created', `${this.updatesCreated}${this.updatesNotCreated > 0 ? ` (${this.updatesNotCreated} refused)` : ''}`],
      ['check-ins', `${this.checkIns} (${this.checkInsNotModified} answered 304 Not Modified)`],
      ['updates received', String(this.updatesReceived)],
      ['completed', String(this.completed)],
      ['failed (injected)', String(this.failedInjected)],
      ['cancelled', String(this.cancelled)],
      ['already finished', String(this.alreadyFinished)],
      ['status reports sent', String(this.reportsSent)],
      ['bytes downloaded', `${this.bytesDownloaded} (${(this.bytesDownloaded / 1024 / 1024).toFixed(1)} MiB)`],
      ['checksum mismatches', String(this.checksumMismatches)],
      ['verified by the operator API', `${this.verified} (${this.verificationMismatches} mismatches)`],
      ['devices without an update', String(this.devicesWithoutUpdate)],
      ['update time p50 / p95 / max', `${percentile(50)} / ${percentile(95)} / ${percentile(100)}`],
      ...this.phases.map(([name, seconds]): [string, string] => [`${name} time`, `${seconds.toFixed(2)} s`]),
      ['errors', String(this.errors.length)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) write(`${label.padEnd(width)}  ${value}`);
    for (const message of this.errors.slice(0, 10)) write(`  error: ${message}`);
    if (this.errors.length > 10) write(`  ... and ${this.errors.length - 10} more errors`);
  }
}
