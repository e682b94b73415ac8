import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process of the harness: SIGTERM for a graceful exit, SIGKILL if it has not exited
 * after `graceMs` (a deadline for the escalation, not a wait: it resolves as soon as the child exits).
 */
export async function terminate(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const deadline = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(deadline);
  }
}
