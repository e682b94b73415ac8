/**
 * The chaos suite's own servers, so faults never touch the machine's shared PostgreSQL, NATS and
 * Mosquitto: a Mosquitto and a `nats-server -js` of the run on free loopback ports (real server
 * binaries, stopped and restarted on the same port and with the same store), and a way to stall
 * every process of a PostgreSQL server (SIGSTOP, then SIGCONT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const NATS_SERVER = process.env.CHAOS_NATS_SERVER ?? '/usr/sbin/nats-server';
const MOSQUITTO = process.env.CHAOS_MOSQUITTO ?? 'mosquitto';
const START_TIMEOUT_MS = 30_000;

/** Resolves once something accepts TCP connections on the port; throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, exited: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (exited()) throw new Error(`the process meant to listen on port ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * A server binary run as a child process that can be stopped (SIGTERM, waiting for its exit) and
 * started again with the same arguments, as an operator restarting it would. Its output goes to
 * `logFile`, appended across restarts.
 */
export class RestartableServer {
  private child: ChildProcess | undefined;
  /** How many times it was started. */
  starts = 0;

  readonly name: string;
  readonly port: number;
  readonly logFile: string;
  private readonly command: string;
  private readonly args: string[];

  constructor(name: string, port: number, command: string, args: string[], logFile: string) {
    this.name = name;
    this.port = port;
    this.command = command;
    this.args = args;
    this.logFile = logFile;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = createWriteStream(this.logFile, { flags: 'a' });
    await once(log, 'open');
    const child = spawn(this.command, this.args, { stdio: ['ignore', log, log] });
    child.once('exit', () => log.end());
    this.child = child;
    this.starts++;
    await waitForPort(this.port, START_TIMEOUT_MS, () => child.exitCode !== null || child.signalCode !== null).catch(async (error: unknown) => {
      const output = await readFile(this.logFile, 'utf8').catch(() => '');
      throw new Error(`${this.name} did not start: ${error instanceof Error ? error.message : String(error)}\n${output.slice(-2000)}`);
    });
  }

  /** SIGTERM and waits for the exit: both servers save their state (sessions, streams) on it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

/** A Mosquitto 2 on `port` with persistence on, so a persistent session's queue survives a restart. */
export async function mosquittoServer(folder: string, port: number): Promise<RestartableServer> {
  const dir = join(folder, 'mosquitto');
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // The command observer's persistent session (and its queued commands) must outlive the outage.
      'persistence true',
      `persistence_location ${dir}/`,
      // Run as root, Mosquitto would switch to the user `mosquitto`, which cannot write this folder.
      'user root',
      // Every command of the run may wait for the observer while it reconnects; the default is 1000.
      'max_queued_messages 1000000',
      '',
    ].join('\n'),
  );
  return new RestartableServer('Mosquitto', port, MOSQUITTO, ['-c', config], join(dir, 'mosquitto.log'));
}

/** A `nats-server -js` on `port` whose JetStream store stays in one folder across restarts. */
export async function natsServer(folder: string, port: number): Promise<RestartableServer> {
  const dir = join(folder, 'nats');
  await mkdir(dir, { recursive: true });
  return new RestartableServer('NATS', port, NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'store')], join(dir, 'nats.log'));
}

/** The parent pid of a process, from /proc. */
async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function childPids(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const parents = await Promise.all(pids.map(parentPid));
  return pids.filter((_, i) => parents[i] === parent);
}

/**
 * Stalls a whole PostgreSQL server: the postmaster first (so it forks nothing new), then every
 * process it started (backends, checkpointer, WAL writer...). Connections stay open and queries
 * hang, as on a server that froze. Resolves with `resume`, which sends SIGCONT the other way round.
 */
export async function stallPostgres(databaseUrl: string): Promise<{ processes: number; resume: () => void }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // A backend's parent is the postmaster; read it while the backend lives.
  const postmaster = await client
    .query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    .then(({ rows }) => parentPid(rows[0].pid))
    .finally(() => client.end());
  if (postmaster === undefined || postmaster <= 1) throw new Error('cannot find the PostgreSQL postmaster');
  process.kill(postmaster, 'SIGSTOP');
  const children = await childPids(postmaster);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  return {
    processes: children.length + 1,
    resume: () => {
      for (const pid of children) process.kill(pid, 'SIGCONT');
      process.kill(postmaster, 'SIGCONT');
    },
  };
}
