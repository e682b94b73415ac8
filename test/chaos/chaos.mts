/**
 * `npm run chaos`: a staged campaign rolls out to simulated devices across three instances of the
 * built service while faults hit it, then checks that nothing was lost, doubled or left broken.
 *
 * Set-up, all of the run's own (the machine's shared servers are never touched): an embedded
 * PostgreSQL (migrated), a Mosquitto and a `nats-server -js` on free loopback ports, three
 * instances of `dist/main.js` (scheduler on in each, short ticks, MQTT and NATS on) behind a
 * retrying round-robin load balancer (load-balancer.mts), an MQTT observer of every device command
 * with a persistent session (command-observer.mts), and `dist/cli/simulate.js --passive --http`
 * playing CHAOS_DEVICES devices that answer the campaign's updates through the balancer.
 *
 * Faults, in sequence while the campaign runs (each once the one before has been recovered from):
 * 1. SIGKILL one instance once devices have started completing; the harness restarts it on the
 *    same port, as an orchestrator would, and waits for it to answer /health again.
 * 2. SIGSTOP every PostgreSQL process for CHAOS_STALL_SECONDS (10), then SIGCONT; waits for the
 *    campaign to make progress again.
 * 3. SIGTERM Mosquitto and NATS for CHAOS_OUTAGE_SECONDS (60), then start them again on the same
 *    ports (NATS with the same store, so the stream survives).
 *
 * Then it waits (CHAOS_TIMEOUT_SECONDS, 300) for the campaign to complete and the relays to
 * drain, and checks: every device has exactly one update of the campaign, released once (one
 * `scheduled` timeline entry, one `update_available` command) and `completed`, and runs the new
 * version; every command row was published and reached the broker (seen by the observer); every
 * outbox event is in the JetStream stream exactly once under its id; every instance answers
 * /health and /health/detailed `healthy` by itself (two never restarted), and no instance log
 * shows a crash. It prints a table of the faults and checks and exits 1 on any FAIL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type * as SupportModule from '../bench/support.mts';
import type { Workspace } from '../bench/support.mts';
import type * as CommandObserverModule from './command-observer.mts';
import type * as EventStreamModule from './event-stream.mts';
import type * as InfrastructureModule from './infrastructure.mts';
import type * as LoadBalancerModule from './load-balancer.mts';

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const DEVICES = positive('CHAOS_DEVICES', 300);
/** Updates in flight at once: with DEVICES, it sets how long the campaign lasts (about 2 min). */
const MAX_CONCURRENT = positive('CHAOS_MAX_CONCURRENT', 15);
const PHASE_DELAY_MS = positive('CHAOS_PHASE_DELAY_MS', 1000);
const STALL_SECONDS = positive('CHAOS_STALL_SECONDS', 10);
const OUTAGE_SECONDS = positive('CHAOS_OUTAGE_SECONDS', 60);
const TIMEOUT_SECONDS = positive('CHAOS_TIMEOUT_SECONDS', 300);
const INSTANCES = 3;
/** Bounds on each wait for a recovery; a wait that runs out is a FAIL with what was seen. */
const RECOVERY_SECONDS = 90;
const ORG = 'chaos';
const GROUP = 'chaos';
const MODEL = 'SIM-1';
const TARGET_VERSION = '2.0.0';
const STREAM = 'OTA_SERVICE';

const { JWT_SECRET, embeddedDatabase, freePort, runBenchmark, stopProcess, userToken } = (await import(
  new URL('../bench/support.mts', import.meta.url).href
)) as typeof SupportModule;
const { mosquittoServer, natsServer, stallPostgres } = (await import(new URL('./infrastructure.mts', import.meta.url).href)) as typeof InfrastructureModule;
const { LoadBalancer } = (await import(new URL('./load-balancer.mts', import.meta.url).href)) as typeof LoadBalancerModule;
const { CommandObserver } = (await import(new URL('./command-observer.mts', import.meta.url).href)) as typeof CommandObserverModule;
const { storedMessageIds } = (await import(new URL('./event-stream.mts', import.meta.url).href)) as typeof EventStreamModule;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// -------------------------------------------------------------------------------------------------
// The table
// -------------------------------------------------------------------------------------------------

const rows: { step: string; expectation: string; observed: string; verdict: 'PASS' | 'FAIL' }[] = [];

/** Records a row of the table (and prints it at once, so a long run shows where it is). */
function row(step: string, expectation: string, observed: string, passed: boolean): void {
  const verdict = passed ? 'PASS' : 'FAIL';
  rows.push({ step, expectation, observed, verdict });
  console.log(`[${verdict}] ${step}: ${observed}`);
  if (verdict === 'FAIL') process.exitCode = 1;
}

/** The table, every column left-aligned (they are sentences, not figures). */
function printRows(): void {
  const table = [['fault or check', 'expectation', 'observed', 'result'], ...rows.map((r) => [r.step, r.expectation, r.observed, r.verdict])];
  const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
  for (const cells of table) console.log(cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ').trimEnd());
}

/** Polls `probe` until it answers a value `done` accepts, or `timeoutMs` passes; the last value and whether it was accepted. */
async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 500): Promise<{ value: T; ok: boolean; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, ok: true, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) return { value, ok: false, ms: Date.now() - started };
    await sleep(everyMs);
  }
}

// -------------------------------------------------------------------------------------------------
// Service instances
// -------------------------------------------------------------------------------------------------

/** One instance of the built service on a fixed port, started as `npm start` starts it, its output in a log file. */
class Instance {
  process: ChildProcess | undefined;
  /** Processes started, restarts included. */
  starts = 0;
  readonly number: number;
  readonly port: number;
  readonly logFile: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(number: number, port: number, env: NodeJS.ProcessEnv, folder: string) {
    this.number = number;
    this.port = port;
    this.env = env;
    this.logFile = join(folder, `instance-${number}.log`);
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    await once(log, 'open');
    const child = spawn(process.execPath, startArguments(), { env: this.env, stdio: ['ignore', log, log] });
    child.once('exit', () => log.end());
    this.process = child;
    this.starts++;
    const up = await waitFor(
      () => fetch(`${this.origin}/health`).then((res) => res.ok, () => false),
      (ok) => ok || child.exitCode !== null,
      120_000,
      250,
    );
    if (!up.value) throw new Error(`instance ${this.number} did not answer /health (exit code ${child.exitCode}); see ${this.logFile}`);
  }

  async kill(): Promise<void> {
    const child = this.process;
    if (child === undefined || !this.alive) throw new Error(`instance ${this.number} is not running`);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** `/health/detailed`'s status and checks, or why it could not be read. */
  async detailedHealth(): Promise<{ status: string; checks: Record<string, { status: string }> }> {
    try {
      const res = await fetch(`${this.origin}/health/detailed`);
      return (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    } catch (error) {
      return { status: `unreachable (${error instanceof Error ? error.message : String(error)})`, checks: {} };
    }
  }
}

/** The service starts exactly as `npm start` starts it (same Node flags), minus npm itself. */
function startArguments(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${command}", not node: update the chaos suite`);
  return args;
}

/** What an instance's log says about crashes: fatal entries and uncaught errors (the process dies on them). */
async function crashLines(logFile: string): Promise<string[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /"level":60\b|uncaught|unhandled|Failed to start|FATAL/i.test(line));
}

// -------------------------------------------------------------------------------------------------
// The API and the database
// -------------------------------------------------------------------------------------------------

async function call<T>(origin: string, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const isForm = body instanceof FormData;
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined || isForm ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 1000)}`);
  return JSON.parse(text) as T;
}

interface Progress {
  status: string;
  completed: number;
  released: number;
  total: number;
}

async function progress(db: pg.Pool, campaignId: string): Promise<Progress> {
  const { rows: found } = await db.query<Progress>(
    `SELECT c.status,
            count(u.*) FILTER (WHERE u.status = 'completed')::int AS completed,
            count(u.*) FILTER (WHERE u.status <> 'created')::int AS released,
            count(u.*)::int AS total
       FROM ota.campaigns c LEFT JOIN ota.device_updates u ON u.organization_id = c.organization_id AND u.campaign_id = c.campaign_id AND u.kind = 'update'
      WHERE c.organization_id = $1 AND c.campaign_id = $2 GROUP BY c.status`,
    [ORG, campaignId],
  );
  return found[0];
}

const describeProgress = (p: Progress) => `campaign ${p.status}, ${p.released}/${p.total} released, ${p.completed} completed`;

async function unpublished(db: pg.Pool): Promise<{ commands: number; events: number }> {
  const { rows: found } = await db.query<{ commands: number; events: number }>(
    `SELECT (SELECT count(*) FROM ota.device_commands WHERE published_at IS NULL)::int AS commands,
            (SELECT count(*) FROM ota.outbox_events WHERE published_at IS NULL)::int AS events`,
  );
  return found[0];
}

async function single<T>(db: pg.Pool, sql: string, params: unknown[]): Promise<T> {
  const { rows: found } = await db.query(sql, params);
  return found[0] as T;
}

// -------------------------------------------------------------------------------------------------
// The run
// -------------------------------------------------------------------------------------------------

const runStarted = Date.now();
await runBenchmark('ota-chaos-', async (workspace) => {
  // Runs after every other cleanup (the servers are stopped, their logs complete), before the folder goes.
  workspace.defer(() => keepLogs(workspace.folder));
  try {
    await chaos(workspace);
  } catch (error) {
    console.error(error);
    row('run', 'every step carried out', `stopped: ${error instanceof Error ? error.message : String(error)}`.slice(0, 400), false);
  }
  console.log(`\nchaos suite: ${DEVICES} devices, ${INSTANCES} instances, ${seconds(Date.now() - runStarted)} in all`);
  printRows();
});

/** On a failure (or with CHAOS_LOGS_DIR set), copies the run's logs out of the workspace before it is removed. */
async function keepLogs(folder: string): Promise<void> {
  if (process.exitCode !== 1 && process.env.CHAOS_LOGS_DIR === undefined) return;
  const target = process.env.CHAOS_LOGS_DIR ?? (await mkdtemp(join(tmpdir(), 'ota-chaos-logs-')));
  await mkdir(target, { recursive: true });
  const logs = (await readdir(folder, { recursive: true })).filter((file) => file.endsWith('.log'));
  for (const file of logs) await cp(join(folder, file), join(target, file.replaceAll('/', '-')));
  console.log(`logs of the run: ${target}`);
}

async function chaos(workspace: Workspace): Promise<void> {
  const { folder } = workspace;
  console.log(`chaos: ${DEVICES} devices, ${INSTANCES} instances, workspace ${folder}`);

  // --- servers of the run's own --------------------------------------------------------------------
  const databaseUrl = await embeddedDatabase(workspace);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  workspace.defer(() => db.end());
  const mosquitto = await mosquittoServer(folder, await freePort());
  const nats = await natsServer(folder, await freePort());
  workspace.defer(() => mosquitto.stop());
  workspace.defer(() => nats.stop());
  await mosquitto.start();
  await nats.start();
  const mqttUrl = `mqtt://127.0.0.1:${mosquitto.port}`;
  const natsUrl = `nats://127.0.0.1:${nats.port}`;
  const observer = await CommandObserver.open(mqttUrl);
  workspace.defer(() => observer.close());

  // --- three instances behind the balancer -------------------------------------------------------
  const balancerPort = await freePort();
  const storageDir = join(folder, 'storage');
  await mkdir(storageDir, { recursive: true });
  const shared: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    MQTT_URL: mqttUrl,
    NATS_URL: natsUrl,
    SCHEDULER_ENABLED: 'true',
    SCHEDULER_TICK_MS: '500',
    OUTBOX_RELAY_INTERVAL_MS: '500',
    // One storage folder and one signing secret: a download URL made by one instance works on another.
    STORAGE_DRIVER: 'filesystem',
    STORAGE_DIR: storageDir,
    DOWNLOAD_URL_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL: `http://127.0.0.1:${balancerPort}`,
    // Every simulated device reaches the service from the balancer's one loopback address; the
    // per-IP budget of anonymous downloads would throttle the whole fleet as one client.
    RATE_LIMIT_ENABLED: 'false',
  };
  const instances: Instance[] = [];
  for (let n = 1; n <= INSTANCES; n++) {
    const port = await freePort();
    const instance = new Instance(n, port, { ...shared, PORT: String(port), DATA_DIR: join(folder, `instance-${n}`) }, folder);
    workspace.defer(async () => {
      if (instance.process) await stopProcess(instance.process);
    });
    await instance.start();
    instances.push(instance);
  }
  const originalPids = instances.map((instance) => instance.process?.pid);
  const balancer = await LoadBalancer.start(
    balancerPort,
    instances.map((instance) => instance.port),
    // Longer than the stall and a restart: a request waits the fault out instead of failing.
    RECOVERY_SECONDS * 1000,
  );
  workspace.defer(() => balancer.close());
  const origin = balancer.origin;

  // --- firmware, credentials, the fleet ------------------------------------------------------------
  const operator = await userToken(ORG, 'operator');
  const gateway = await call<{ key: string }>(origin, 'POST', '/api/v1/api-keys', await userToken(ORG, 'admin'), { name: 'chaos gateway', role: 'device_gateway' });
  const form = new FormData();
  form.append('metadata', JSON.stringify({ name: 'Chaos firmware', version: TARGET_VERSION, device_model: MODEL }));
  form.append('file', new Blob([new Uint8Array(randomBytes(64 * 1024))]), 'chaos.bin');
  const firmware = await call<{ firmware_id: string }>(origin, 'POST', '/api/v1/firmware', operator, form);

  const simulatorLog = join(folder, 'simulator.log');
  const simulatorOutput = createWriteStream(simulatorLog);
  await once(simulatorOutput, 'open');
  const simulator = spawn(
    process.execPath,
    [
      'dist/cli/simulate.js',
      ...['--devices', String(DEVICES), '--http', '--passive', '--url', origin, '--token', operator, '--gateway-key', gateway.key],
      ...['--group', GROUP, '--prefix', 'chaos-', '--model', MODEL, '--concurrency', String(DEVICES)],
      ...['--phase-delay-ms', String(PHASE_DELAY_MS), '--poll-ms', '2000', '--until-idle', '15', '--timeout-s', String(TIMEOUT_SECONDS + 600)],
    ],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', simulatorOutput, simulatorOutput] },
  );
  workspace.defer(() => stopProcess(simulator));
  const simulatorExited = once(simulator, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const booted = await waitFor(
    () => readFile(simulatorLog, 'utf8'),
    (text) => text.includes('devices wait for updates') || simulator.exitCode !== null,
    120_000,
  );
  if (!booted.value.includes('devices wait for updates')) throw new Error(`the simulator did not get its devices ready:\n${booted.value.slice(-3000)}`);
  console.log(`${DEVICES} simulated devices registered and waiting (${seconds(booted.ms)})`);

  // --- the campaign --------------------------------------------------------------------------------
  const campaign = await call<{ campaign_id: string; target_device_count: number }>(origin, 'POST', '/api/v1/campaigns', operator, {
    name: 'chaos',
    firmware_id: firmware.firmware_id,
    target_groups: [GROUP],
    deployment_strategy: 'staged',
    stages: [10, 50, 100],
    stage_soak_minutes: 0,
    max_concurrent_updates: MAX_CONCURRENT,
    batch_size: 50,
    // A failed update stays failed: a second release would hide a lost one.
    max_retries: 0,
  });
  if (campaign.target_device_count !== DEVICES) throw new Error(`the campaign targets ${campaign.target_device_count} devices, expected ${DEVICES}`);
  const campaignStarted = Date.now();
  await call(origin, 'POST', `/api/v1/campaigns/${campaign.campaign_id}/start`, operator);
  const now = () => progress(db, campaign.campaign_id);
  const running = (p: Progress) => p.status === 'in_progress';

  // --- fault 1: SIGKILL an instance, restart it --------------------------------------------------
  const first = await waitFor(now, (p) => p.completed >= Math.max(1, Math.ceil(DEVICES / 20)) || !running(p), RECOVERY_SECONDS * 1000);
  const victim = instances[0];
  const victimPid = victim.process?.pid;
  await victim.kill();
  const restartedAt = Date.now();
  await victim.start();
  const rejoined = await waitFor(() => victim.detailedHealth(), (h) => h.status === 'healthy', RECOVERY_SECONDS * 1000);
  row(
    `SIGKILL instance 1 (pid ${victimPid}) at ${describeProgress(first.value)}`,
    'restarted on its port, healthy again; campaign still running',
    `restarted as pid ${victim.process?.pid}: /health after ${seconds(Date.now() - restartedAt - rejoined.ms)}, /health/detailed ${rejoined.value.status} after ${seconds(Date.now() - restartedAt)}`,
    rejoined.ok && running(first.value),
  );

  // --- fault 2: stall PostgreSQL -----------------------------------------------------------------
  const beforeStall = await now();
  const stall = await stallPostgres(databaseUrl);
  let resumed = false;
  const resume = () => {
    if (!resumed) stall.resume();
    resumed = true;
  };
  // Never leave the server stopped, whatever happens: its own cleanup would wait forever.
  workspace.defer(async () => resume());
  await sleep(STALL_SECONDS * 1000);
  resume();
  const afterStall = await waitFor(now, (p) => p.completed > beforeStall.completed || !running(p), RECOVERY_SECONDS * 1000);
  row(
    `SIGSTOP PostgreSQL (${stall.processes} processes) ${STALL_SECONDS} s at ${describeProgress(beforeStall)}`,
    'SIGCONT, then devices complete again',
    `next completion ${seconds(afterStall.ms)} after SIGCONT (${afterStall.value.completed} completed)`,
    afterStall.ok && running(beforeStall),
  );

  // --- fault 3: the broker and NATS away -----------------------------------------------------------
  const beforeOutage = await now();
  await Promise.all([mosquitto.stop(), nats.stop()]);
  const outageStarted = Date.now();
  await sleep(OUTAGE_SECONDS * 1000);
  const duringOutage = await now();
  const waiting = await unpublished(db);
  await Promise.all([mosquitto.start(), nats.start()]);
  row(
    `Mosquitto and NATS stopped ${OUTAGE_SECONDS} s at ${describeProgress(beforeOutage)}`,
    'restarted on their ports (same stores); releases went on meanwhile, their commands and events waiting',
    `back after ${seconds(Date.now() - outageStarted)}; meanwhile ${duringOutage.released - beforeOutage.released} released, ` +
      `${duringOutage.completed - beforeOutage.completed} completed; ${waiting.commands} commands, ${waiting.events} events waiting at the end`,
    running(beforeOutage) && duringOutage.released > beforeOutage.released && waiting.commands > 0 && waiting.events > 0,
  );

  // --- the end of the campaign ---------------------------------------------------------------------
  const finished = await waitFor(now, (p) => !running(p), TIMEOUT_SECONDS * 1000, 1000);
  row(
    'campaign',
    `completed within ${TIMEOUT_SECONDS} s of the last fault`,
    `${describeProgress(finished.value)}; ${seconds(Date.now() - campaignStarted)} after its start`,
    finished.value.status === 'completed',
  );

  // --- checks: released exactly once and finished --------------------------------------------------
  const perDevice = await single<{ devices: number; not_one: number; not_completed: number }>(
    db,
    `SELECT count(*)::int AS devices,
            count(*) FILTER (WHERE n <> 1)::int AS not_one,
            count(*) FILTER (WHERE completed <> 1)::int AS not_completed
       FROM (SELECT d.device_id, count(u.update_id) AS n, count(u.update_id) FILTER (WHERE u.status = 'completed') AS completed
               FROM ota.devices d
               LEFT JOIN ota.device_updates u ON u.organization_id = d.organization_id AND u.device_id = d.device_id AND u.campaign_id = $2 AND u.kind = 'update'
              WHERE d.organization_id = $1 AND $3 = ANY (d.groups)
              GROUP BY d.device_id) AS per_device`,
    [ORG, campaign.campaign_id, GROUP],
  );
  row(
    'one update per device, completed',
    `${DEVICES} devices, each with exactly 1 update of the campaign, completed`,
    `${perDevice.devices} devices; ${perDevice.not_one} without exactly one update, ${perDevice.not_completed} not completed`,
    perDevice.devices === DEVICES && perDevice.not_one === 0 && perDevice.not_completed === 0,
  );
  // The registry learns a device's version from its reports and check-ins, written in batches by
  // whichever instance got them every LAST_SEEN_FLUSH_MS (5 s): it may lag by a flush, but a device
  // that completed well before must read its new version.
  const behind = () =>
    db
      .query<{ device_id: string; firmware_version: string | null; last_seen_at: Date | null; completed_at: Date | null; long_ago: boolean }>(
        `SELECT d.device_id, d.firmware_version, d.last_seen_at, u.completed_at, u.completed_at < now() - interval '15 seconds' AS long_ago
           FROM ota.devices d
           LEFT JOIN ota.device_updates u ON u.organization_id = d.organization_id AND u.device_id = d.device_id AND u.campaign_id = $2
          WHERE d.organization_id = $1 AND $3 = ANY (d.groups) AND d.firmware_version IS DISTINCT FROM $4 ORDER BY d.device_id`,
        [ORG, campaign.campaign_id, GROUP, TARGET_VERSION],
      )
      .then((result) => result.rows);
  const behindAtEnd = await behind();
  const regressed = behindAtEnd.filter((device) => device.long_ago);
  for (const device of regressed.slice(0, 5)) {
    console.log(`  ${device.device_id} reads ${device.firmware_version}: update completed ${device.completed_at?.toISOString()}, last seen ${device.last_seen_at?.toISOString()}`);
  }
  const versions = await waitFor(behind, (devices) => devices.length === 0, RECOVERY_SECONDS * 1000);
  row(
    'device registry on the new version',
    `no device reads its old version 15 s after completing; every device on ${TARGET_VERSION} in the end`,
    `when the campaign completed: ${behindAtEnd.length} behind, ${regressed.length} of them completed over 15 s before; ` +
      `${versions.value.length} behind after ${seconds(versions.ms)}`,
    regressed.length === 0 && versions.ok,
  );
  const releases = await single<{ updates: number; not_one_release: number; not_one_command: number }>(
    db,
    `SELECT count(*)::int AS updates,
            count(*) FILTER (WHERE releases <> 1)::int AS not_one_release,
            count(*) FILTER (WHERE commands <> 1)::int AS not_one_command
       FROM (SELECT u.update_id,
                    (SELECT count(*) FROM ota.device_update_events e
                      WHERE e.organization_id = u.organization_id AND e.update_id = u.update_id AND e.status = 'scheduled') AS releases,
                    (SELECT count(*) FROM ota.device_commands c
                      WHERE c.organization_id = u.organization_id AND c.device_id = u.device_id
                        AND c.payload->>'update_id' = u.update_id AND c.payload->>'type' = 'update_available') AS commands
               FROM ota.device_updates u WHERE u.organization_id = $1 AND u.campaign_id = $2) AS per_update`,
    [ORG, campaign.campaign_id],
  );
  row(
    'released exactly once',
    "each update: 1 'scheduled' timeline entry, 1 update_available command",
    `${releases.updates} updates; ${releases.not_one_release} released other than once, ${releases.not_one_command} with other than one command`,
    releases.updates === DEVICES && releases.not_one_release === 0 && releases.not_one_command === 0,
  );

  // --- checks: no command lost ---------------------------------------------------------------------
  const drained = await waitFor(() => unpublished(db), (u) => u.commands === 0 && u.events === 0, RECOVERY_SECONDS * 1000);
  const commandIds = (await db.query<{ id: string }>('SELECT id FROM ota.device_commands')).rows.map((r) => r.id);
  row(
    'command relay drained',
    'every device_commands row published (broker PUBACK)',
    `${commandIds.length} commands, ${drained.value.commands} unpublished (${seconds(drained.ms)} after the campaign ended)`,
    drained.value.commands === 0,
  );
  const seen = await waitFor(
    async () => commandIds.filter((id) => !observer.deliveries.has(id)).length,
    (missing) => missing === 0,
    RECOVERY_SECONDS * 1000,
  );
  const redelivered = [...observer.deliveries.values()].filter((n) => n > 1).length;
  const strangers = [...observer.deliveries.keys()].filter((id) => !commandIds.includes(id)).length;
  row(
    'no command lost on MQTT',
    'every command row seen by a persistent subscriber, by command_id',
    `${commandIds.length - seen.value} of ${commandIds.length} seen, ${seen.value} missing, ${strangers} unknown ids, ${observer.withoutId} without id; ` +
      `${redelivered} delivered more than once (at least once is the contract)`,
    seen.value === 0 && strangers === 0 && observer.withoutId === 0,
  );

  // --- checks: no event lost or doubled on the bus -------------------------------------------------
  const eventIds = (await db.query<{ id: string }>('SELECT id FROM ota.outbox_events')).rows.map((r) => r.id);
  const stored = await storedMessageIds(natsUrl, STREAM);
  const counts = new Map<string, number>();
  for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missingEvents = eventIds.filter((id) => !counts.has(id)).length;
  const doubled = eventIds.filter((id) => (counts.get(id) ?? 0) > 1).length;
  const outboxSet = new Set(eventIds);
  const unknownEvents = [...counts.keys()].filter((id) => !outboxSet.has(id)).length;
  row(
    'no event lost or doubled on the bus',
    `every outbox event in stream ${STREAM} exactly once under its Nats-Msg-Id`,
    `${eventIds.length} events (${drained.value.events} unpublished), ${stored.length} stream messages: ${missingEvents} missing, ${doubled} more than once, ${unknownEvents} unknown ids`,
    drained.value.events === 0 && missingEvents === 0 && doubled === 0 && unknownEvents === 0 && stored.length === eventIds.length,
  );

  // --- checks: every instance recovered by itself --------------------------------------------------
  for (const [i, instance] of instances.entries()) {
    const health = await waitFor(() => instance.detailedHealth(), (h) => h.status === 'healthy', RECOVERY_SECONDS * 1000);
    const live = await fetch(`${instance.origin}/health`).then((res) => res.ok, () => false);
    const restartedByUs = i === 0 ? 2 : 1;
    const samePid = i === 0 || instance.process?.pid === originalPids[i];
    const checks = Object.entries(health.value.checks).map(([name, check]) => `${name} ${check.status}`).join(', ');
    row(
      `instance ${instance.number} recovered${i === 0 ? ' (the killed one)' : ''}`,
      `${i === 0 ? 'restarted once by the harness' : 'never restarted'}; /health 200, /health/detailed healthy`,
      `${instance.alive ? 'running' : 'NOT running'}, started ${instance.starts}x${samePid ? '' : ' (pid changed)'}; /health ${live ? '200' : 'down'}, ` +
        `detailed ${health.value.status} (${checks})`,
      instance.alive && instance.starts === restartedByUs && samePid && live && health.ok,
    );
  }
  for (const instance of instances) {
    const lines = await crashLines(instance.logFile);
    row(
      `instance ${instance.number} log`,
      'no crash (fatal entry, uncaught error)',
      lines.length === 0 ? 'none' : `${lines.length} line(s), first: ${lines[0].slice(0, 200)}`,
      lines.length === 0,
    );
  }

  // --- the devices' own account, and the balancer's ---------------------------------------------
  const [code] = await Promise.race([simulatorExited, sleep(60_000).then(() => [null, null] as const)]);
  const simulatorText = await readFile(simulatorLog, 'utf8');
  // Its summary: "verified by the operator API  300 (0 mismatches)", and on trouble the errors after "errors".
  const summary = simulatorText
    .split('\n')
    .filter((line) => /verified by the operator API|^\s*errors\s|^\s*error: /.test(line))
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .slice(0, 4);
  row(
    'simulated devices',
    'the simulator ends on --until-idle with exit code 0 (every update verified)',
    `${code === null ? 'still running after 60 s' : `exit code ${code}`}; ${summary.join(' | ').slice(0, 300)}`,
    code === 0,
  );
  const { figures } = balancer;
  row(
    'load balancer',
    'requests that met a fault were sent again, none given up',
    `${figures.requests} requests; retried: ${[...figures.retries].map(([why, n]) => `${why} x${n}`).join(', ') || 'none'}; ` +
      `5xx passed on: ${[...figures.serverErrors].map(([status, n]) => `${status} x${n}`).join(', ') || 'none'}; gave up ${figures.gaveUp}`,
    figures.gaveUp === 0 && (figures.serverErrors.get(500) ?? 0) === 0,
  );

}
