import { setTimeout as nextProbe } from 'node:timers/promises';

export interface WaitOptions {
  /** Fails after this long; generous, because a loaded CI machine is slow, not broken. */
  timeoutMs?: number;
  /** Pause between two probes, so polling a database or an HTTP route does not hog the machine. */
  intervalMs?: number;
}

/**
 * The one way tests wait for something they cannot subscribe to: probes until `done` accepts the
 * value and returns it, or fails naming what it waited for and the last value seen. Prefer an
 * event or a clock the test controls where there is one; this is for state only a probe can see.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, done: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(last)}`);
    await nextProbe(intervalMs);
    last = await probe();
  }
  return last;
}

/** {@link waitFor} for a yes/no condition. */
export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, options?: WaitOptions): Promise<void> {
  await waitFor(what, condition, (ok) => ok, options);
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * {@link waitFor} for assertions: runs `assertion` until it passes, and on timeout fails with its
 * last failure (the clearest account of what is still wrong).
 */
export async function eventually(what: string, assertion: () => Promise<void> | void, options?: WaitOptions): Promise<void> {
  let lastFailure: unknown;
  const passes = async (): Promise<boolean> => {
    try {
      await assertion();
      return true;
    } catch (failure) {
      lastFailure = failure;
      return false;
    }
  };
  try {
    await waitUntil(what, passes, options);
  } catch {
    throw lastFailure;
  }
}
