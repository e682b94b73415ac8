/** What a batch answers for one of its items: the value, or the error that item's caller gets. */
export type ItemOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Micro-batching: items submitted while a batch is being applied wait and form the next batch
 * (at most `maxBatch` each), so batches grow with the load and an idle service adds no delay
 * beyond one `setImmediate` (which lets the callers of one event-loop turn share the first batch).
 * One batch runs at a time: measured, two or three at once were slower (the database and the
 * service share the CPU), and one at a time keeps reports of one update in arrival order. Each
 * caller gets its own item's outcome; when the batch function throws, every caller of that batch
 * gets the error, and the next batch goes ahead.
 *
 * `dataloader` (used for check-in reads) batches per event-loop turn and would run batches
 * concurrently; serializing them through its `batchScheduleFn` is less clear than this.
 */
export class ReportBatcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly applyBatch: (items: I[]) => Promise<ItemOutcome<O>[]>,
    private readonly maxBatch = 500,
  ) {}

  /** Queues `item`; settles with its own outcome once its batch has been applied. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Items waiting for a batch (not counting the batch being applied). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once nothing is queued or being applied. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        let outcomes: ItemOutcome<O>[];
        try {
          outcomes = await this.applyBatch(batch.map((waiting) => waiting.item));
          if (outcomes.length !== batch.length) throw new Error(`A batch of ${batch.length} answered ${outcomes.length} outcomes`);
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
          continue;
        }
        batch.forEach((waiting, index) => {
          const outcome = outcomes[index];
          if (outcome.ok) waiting.resolve(outcome.value);
          else waiting.reject(outcome.error);
        });
      }
    } finally {
      this.running = null;
    }
  }
}
