import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT, SIMULATOR_MAIN } from './paths';
import { terminate } from './terminate';

const STOP_GRACE_MS = 10_000;

export interface PassiveFleet {
  /** Device ids are `<prefix>00000`, `<prefix>00001`, …: the devices imported through the console. */
  prefix: string;
  devices: number;
  model: string;
  /** Share of updates the devices fail on purpose, 0..1. */
  failureRate?: number;
  /** The run ends once devices have had work and none has held an update for this long. */
  untilIdleSeconds?: number;
  /** The run ends after this long at most, work or not. */
  timeoutSeconds?: number;
}

export interface SimulatorRun {
  /** Resolves with the exit code and everything the simulator printed. */
  readonly finished: Promise<{ code: number | null; output: string }>;
  output(): string;
  /** Kills the run if it still goes (for a finally block; harmless after the exit). */
  stop(): Promise<void>;
}

/**
 * Runs `node dist/cli/simulate.js` for devices that exist already (`--reuse`): they poll over HTTP
 * and handle every update someone else releases (`--passive`): the campaign the test started in
 * the console, and its rollback.
 */
export function runPassiveFleet(serviceUrl: string, fleet: PassiveFleet): SimulatorRun {
  const args = [
    SIMULATOR_MAIN,
    '--url',
    serviceUrl,
    '--reuse',
    '--prefix',
    fleet.prefix,
    '--devices',
    String(fleet.devices),
    '--model',
    fleet.model,
    '--http',
    '--passive',
    '--until-idle',
    String(fleet.untilIdleSeconds ?? 12),
    '--timeout-s',
    String(fleet.timeoutSeconds ?? 240),
    '--poll-ms',
    '500',
    ...(fleet.failureRate === undefined ? [] : ['--failure-rate', String(fleet.failureRate)]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const finished = new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  return {
    finished,
    output: () => output,
    stop: () => terminate(child, finished, STOP_GRACE_MS),
  };
}
