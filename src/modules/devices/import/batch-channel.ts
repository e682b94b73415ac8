/**
 * Hands items from a producer to one consumer, holding at most `capacity` waiting, so a consumer
 * can work (write a batch) while the producer prepares the next (reads and checks rows), and
 * neither runs ahead of the other without bound. Either side can stop the other with an error.
 */
export class BatchChannel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(private readonly capacity = 1) {}

  /** Waits for room, then queues `item`. Throws the error the consumer stopped with, if it did. */
  async push(item: T): Promise<void> {
    while (this.failure === null && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    if (this.failure !== null) throw this.failure.error;
    this.items.push(item);
    this.wake('consumer');
  }

  /** No more items: the consumer's loop ends once it has taken the queued ones. */
  close(): void {
    this.closed = true;
    this.wake('consumer');
  }

  /** Stops both sides: the consumer's loop and any later `push` throw `error`. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake('consumer');
    this.wake('producer');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.failure !== null) throw this.failure.error;
      if (this.items.length > 0) {
        const item = this.items.shift() as T;
        this.wake('producer');
        yield item;
      } else if (this.closed) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      }
    }
  }

  private wake(side: 'consumer' | 'producer'): void {
    const wake = side === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (side === 'consumer') this.wakeConsumer = null;
    else this.wakeProducer = null;
    wake?.();
  }
}
