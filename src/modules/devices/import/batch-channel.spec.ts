import { BatchChannel } from './batch-channel';

describe('BatchChannel', () => {
  it('hands items over in order and ends when closed', async () => {
    const channel = new BatchChannel<number>();
    const taken: number[] = [];
    const consumer = (async () => {
      for await (const item of channel) taken.push(item);
    })();
    for (const item of [1, 2, 3]) await channel.push(item);
    channel.close();
    await consumer;
    expect(taken).toEqual([1, 2, 3]);
  });

  it('makes the producer wait while the queue is full', async () => {
    const channel = new BatchChannel<number>(1);
    await channel.push(1);
    let pushed = false;
    const second = channel.push(2).then(() => (pushed = true));
    await Promise.resolve();
    expect(pushed).toBe(false);
    const iterator = channel[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    await second;
    expect(pushed).toBe(true);
  });

  it("stops the consumer with the producer's error, and the producer with the consumer's", async () => {
    const channel = new BatchChannel<number>();
    const consumer = (async () => {
      for await (const item of channel) void item;
    })();
    channel.fail(new Error('producer gave up'));
    await expect(consumer).rejects.toThrow('producer gave up');
    await expect(channel.push(1)).rejects.toThrow('producer gave up');
  });
});
