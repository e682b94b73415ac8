/** How the updates of one kind (`update`, `rollback`) ended on the devices. */
export interface KindTally {
  received: number;
  completed: number;
  /** Every failure the devices reported, the injected ones included. */
  failed: number;
  cancelled: number;
  /** Blue-green updates still staged (`awaiting_activation`) when the run ended. */
  staged: number;
}

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
  /** Blue-green: updates staged (`awaiting_activation` reported), and how many were then switched. */
  stagedReported = 0;
  activated = 0;
  /** MQTT: updates the service cancelled before the device's final report landed (a race the protocol allows). */
  cancelledBeforeReport = 0;
  /** Consent (`confirmation_required`): refusals sent (`--refuse-rate`) and consents given. */
  consentRefused = 0;
  consentGiven = 0;
  /** Devices that completed an update and never came back (`--brick-rate`): their health check fails. */
  bricked = 0;
  /** Failed updates the service released again (an automatic retry) and the devices worked on again. */
  retriesWorked = 0;
  /** Answers 429 (rate limited), each followed by a wait and the same request again; and those waits in total. */
  rateLimitedAnswers = 0;
  rateLimitedWaitMs = 0;
  /** Why the run phase ended. */
  endedBy = '';
  /** The version each device runs at the end, counted. */
  readonly finalVersions = new Map<string, number>();
  private readonly kinds = new Map<string, KindTally>();
  readonly updateSeconds: number[] = [];
  readonly errors: string[] = [];
  readonly phases: [string, number][] = [];

  /** The tally of one update kind, created at first use. */
  kind(kind: string): KindTally {
    let tally = this.kinds.get(kind);
    if (tally === undefined) {
      tally = { received: 0, completed: 0, failed: 0, cancelled: 0, staged: 0 };
      this.kinds.set(kind, tally);
    }
    return tally;
  }

  /** A 429 was answered; the client waits `waitMs`, then sends the request again. */
  rateLimited(waitMs: number): void {
    this.rateLimitedAnswers++;
    this.rateLimitedWaitMs += waitMs;
  }

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
      ['updates received', `${this.updatesReceived}${this.retriesWorked > 0 ? ` (${this.retriesWorked} of them retries)` : ''}`],
      ['completed', String(this.completed)],
      ['failed (injected)', String(this.failedInjected)],
      ['cancelled', `${this.cancelled}${this.cancelledBeforeReport > 0 ? ` (and ${this.cancelledBeforeReport} cancelled by the service before the device's last MQTT report landed)` : ''}`],
      ['already finished', String(this.alreadyFinished)],
      ...(this.consentGiven + this.consentRefused > 0
        ? [['consent given / refused first', `${this.consentGiven} / ${this.consentRefused}`] as [string, string]]
        : []),
      ...(this.bricked > 0 ? [['bricked on reboot (never came back)', String(this.bricked)] as [string, string]] : []),
      ...(this.stagedReported > 0
        ? [['blue-green staged / switched', `${this.stagedReported} / ${this.activated}`] as [string, string]]
        : []),
      ...[...this.kinds].map(([kind, t]): [string, string] => [
        `kind ${kind}`,
        `${t.received} received: ${t.completed} completed, ${t.failed} failed, ${t.cancelled} cancelled${t.staged > 0 ? `, ${t.staged} still staged` : ''}`,
      ]),
      ['status reports sent', String(this.reportsSent)],
      ['bytes downloaded', `${this.bytesDownloaded} (${(this.bytesDownloaded / 1024 / 1024).toFixed(1)} MiB)`],
      ['checksum mismatches', String(this.checksumMismatches)],
      ['verified by the operator API', `${this.verified} (${this.verificationMismatches} mismatches)`],
      ['devices without an update', String(this.devicesWithoutUpdate)],
      ['versions at the end', [...this.finalVersions].sort(([a], [b]) => a.localeCompare(b)).map(([version, n]) => `${version} x${n}`).join(', ') || '-'],
      ['update time p50 / p95 / max', `${percentile(50)} / ${percentile(95)} / ${percentile(100)}`],
      ['rate limited (429, backed off)', `${this.rateLimitedAnswers} (${(this.rateLimitedWaitMs / 1000).toFixed(1)} s waited in total)`],
      ...this.phases.map(([name, seconds]): [string, string] => [`${name} time`, `${seconds.toFixed(2)} s`]),
      ...(this.endedBy ? [['run ended', this.endedBy] as [string, string]] : []),
      ['errors', String(this.errors.length)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) write(`${label.padEnd(width)}  ${value}`);
    for (const message of this.errors.slice(0, 10)) write(`  error: ${message}`);
    if (this.errors.length > 10) write(`  ... and ${this.errors.length - 10} more errors`);
  }
}
