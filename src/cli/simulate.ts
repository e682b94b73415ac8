import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { ApiClient, ApiError, DeviceApi, type FirmwareInfo, OperatorApi } from './simulator/api-client';
import { FleetActivity, WorkSlots } from './simulator/fleet-activity';
import { MqttLink } from './simulator/mqtt-link';
import { RunStats } from './simulator/run-stats';
import { type DeviceBehaviour, type Outcome, SimulatedDevice } from './simulator/simulated-device';

const USAGE = `usage: npm run simulate -- --devices N (--http | --mqtt) [options]

A fleet of simulated devices, real clients of the public API: registers the devices (or reuses
them), releases an update to them (or waits for one with --passive), and each device checks in,
downloads and verifies the image, reports every phase and completes, or fails at --failure-rate.
Prints a summary; exits 1 on any unexpected error, checksum mismatch or unconfirmed outcome.

Without --passive each device handles exactly one update, the one the simulator releases. With
--passive the devices handle every update they are given, one after the other, until the run
ends: a campaign's update, then its rollback, say. An update with "activation": "deferred"
(blue-green) is downloaded, verified and installed to the standby slot, reported
awaiting_activation, and then waits (HTTP check-ins every --poll-ms; over MQTT, an activate
command and then a check-in) until its check-in says "activation": "now" (rebooting, completed)
or it is cancelled or gone from the check-in (counted cancelled). Injected failures hit only
updates of kind "update", never a rollback: a campaign that trips its threshold and rolls back
ends with every device back on its old version. Finally every update a device worked on is read
back through the operator API: completed (or rolled_back once a rollback on the device undid it),
failed with the device's error code, cancelled, or still awaiting_activation when the run ended.

  --devices N            devices to simulate (default 10)
  --failure-rate P       share of updates of kind "update" failed on purpose, at a random phase
                         (downloading, verifying, installing, or rebooting; for blue-green the
                         first three before the switch, rebooting after it), 0..1 (default 0);
                         rollbacks are never failed on purpose
  --refuse-rate P        share of updates asking for consent (a campaign with
                         requires_device_confirmation) that the device refuses once, then accepts
                         a --poll-ms later, 0..1 (default 0); the others are accepted at once
  --brick-rate P         share of updates of kind "update" after which the device bricks on
                         reboot: it reports completed and is never heard of again (a campaign with
                         health_check_window_minutes fails it: health_check), 0..1 (default 0)
  --http | --mqtt        how devices hear of updates and report: HTTP polling, or MQTT commands
                         and reports (the check-in still gives the download details)
  --url URL              the service (default http://localhost:8240)
  --token JWT            operator JWT; or --api-key KEY (role operator); with neither, a
                         development token (AUTH_DEV_TOKENS, on in embedded development mode)
  --org ID               organization of the development token (default: the service's)
  --gateway-key KEY      a device_gateway API key: devices call with it instead of own tokens
  --firmware-id ID       release this firmware (default: upload a generated image)
  --image-kib N          size of the generated image (default 256)
  --model NAME           device model of the generated firmware and devices (default SIM-1)
  --prefix P             device ids are P00000, P00001, ... (default sim-)
  --group NAME           registered devices join this device group (a campaign can target it)
  --reuse                devices exist already: no registration (tokens are rotated unless --gateway-key)
  --passive              release nothing: devices wait for updates someone else releases (a
                         campaign, an operator) and handle each one, until the run ends
  --until-idle S         with --passive: end the run once devices have had work and none has
                         held an update (working on it, or staged for a blue-green switch) for
                         S seconds (default: off, the run lasts --timeout-s)
  --concurrency C        devices working at once (default 50); with --passive every device
                         waits and checks in, and C bounds those working on an update at once
  --phase-delay-ms MS    mean pause before each phase report (default 200)
  --poll-ms MS           pause between HTTP check-ins while waiting for work or a switch (default 1000)
  --timeout-s S          how long devices wait for an update; with --passive, how long the run
                         lasts at most (default 120)
  --mqtt-url URL         broker (default $MQTT_URL or mqtt://localhost:1883)
  --mqtt-connections K   broker connections shared by the devices (default min(devices, 20))`;

class UsageError extends Error {}

interface Options {
  devices: number;
  failureRate: number;
  refuseRate: number;
  brickRate: number;
  transport: 'http' | 'mqtt';
  url: string;
  token?: string;
  apiKey?: string;
  org?: string;
  gatewayKey?: string;
  firmwareId?: string;
  imageKib: number;
  model: string;
  prefix: string;
  group?: string;
  reuse: boolean;
  passive: boolean;
  untilIdleS?: number;
  concurrency: number;
  phaseDelayMs: number;
  pollMs: number;
  timeoutS: number;
  mqttUrl: string;
  mqttConnections: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      devices: { type: 'string', default: '10' },
      'failure-rate': { type: 'string', default: '0' },
      'refuse-rate': { type: 'string', default: '0' },
      'brick-rate': { type: 'string', default: '0' },
      http: { type: 'boolean', default: false },
      mqtt: { type: 'boolean', default: false },
      url: { type: 'string', default: 'http://localhost:8240' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      org: { type: 'string' },
      'gateway-key': { type: 'string' },
      'firmware-id': { type: 'string' },
      'image-kib': { type: 'string', default: '256' },
      model: { type: 'string', default: 'SIM-1' },
      prefix: { type: 'string', default: 'sim-' },
      group: { type: 'string' },
      reuse: { type: 'boolean', default: false },
      passive: { type: 'boolean', default: false },
      'until-idle': { type: 'string' },
      concurrency: { type: 'string', default: '50' },
      'phase-delay-ms': { type: 'string', default: '200' },
      'poll-ms': { type: 'string', default: '1000' },
      'timeout-s': { type: 'string', default: '120' },
      'mqtt-url': { type: 'string', default: process.env.MQTT_URL ?? 'mqtt://localhost:1883' },
      'mqtt-connections': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  if (values.http === values.mqtt) throw new UsageError(`give exactly one of --http and --mqtt\n\n${USAGE}`);
  if (values.token !== undefined && values['api-key'] !== undefined) throw new UsageError('give --token or --api-key, not both');
  const number = (name: string, raw: string, min: number, max: number, integer = true): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${raw}"`);
    }
    return value;
  };
  if (values['until-idle'] !== undefined && !values.passive) throw new UsageError('--until-idle needs --passive (without it the run ends when every device handled its update)');
  if (values.group !== undefined && values.reuse) throw new UsageError('--group applies at registration, not with --reuse');
  if (values.group !== undefined && values.group.trim() === '') throw new UsageError('--group needs a name');
  const devices = number('devices', values.devices, 1, 1_000_000);
  return {
    devices,
    failureRate: number('failure-rate', values['failure-rate'], 0, 1, false),
    refuseRate: number('refuse-rate', values['refuse-rate'], 0, 1, false),
    brickRate: number('brick-rate', values['brick-rate'], 0, 1, false),
    transport: values.mqtt ? 'mqtt' : 'http',
    url: values.url.replace(/\/+$/, ''),
    token: values.token,
    apiKey: values['api-key'],
    org: values.org,
    gatewayKey: values['gateway-key'],
    firmwareId: values['firmware-id'],
    imageKib: number('image-kib', values['image-kib'], 1, 1024 * 1024),
    model: values.model,
    prefix: values.prefix,
    group: values.group,
    reuse: values.reuse,
    passive: values.passive,
    untilIdleS: values['until-idle'] === undefined ? undefined : number('until-idle', values['until-idle'], 1, 86_400),
    concurrency: number('concurrency', values.concurrency, 1, 10_000),
    phaseDelayMs: number('phase-delay-ms', values['phase-delay-ms'], 0, 600_000),
    pollMs: number('poll-ms', values['poll-ms'], 10, 3_600_000),
    timeoutS: number('timeout-s', values['timeout-s'], 1, 86_400),
    mqttUrl: values['mqtt-url'],
    mqttConnections: number('mqtt-connections', values['mqtt-connections'] ?? String(Math.min(devices, 20)), 1, 1_000),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(options: Options): Promise<number> {
  const stats = new RunStats();
  const client = new ApiClient(options.url, (waitMs) => stats.rateLimited(waitMs));
  const operator = options.token
    ? OperatorApi.withToken(client, options.token)
    : options.apiKey
      ? OperatorApi.withApiKey(client, options.apiKey)
      : await OperatorApi.withDevToken(client, options.org).catch((error: unknown) => {
          throw new UsageError(`no --token or --api-key, and no development token from ${options.url} (${describe(error)})`);
        });
  log(
    `simulating ${options.devices} devices over ${options.transport.toUpperCase()} against ${options.url}; ` +
      `operator: ${options.token ? 'JWT' : options.apiKey ? 'API key' : 'development token'}; ` +
      `device credentials: ${options.gatewayKey ? 'device_gateway API key' : 'device tokens'}; failure rate ${options.failureRate}` +
      (options.passive ? ' (updates of kind "update" only); passive: devices handle every update released to them' : '') +
      (options.group ? `; group ${options.group}` : ''),
  );

  // --- firmware -----------------------------------------------------------------------------------
  let firmware: FirmwareInfo | undefined;
  if (!options.passive) {
    firmware = await stats.phase('firmware', async () => {
      if (options.firmwareId) return operator.getFirmware(options.firmwareId);
      const version = `1.${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 1000)}`;
      return operator.uploadFirmware(
        { name: 'Simulator firmware', version, device_model: options.model, manufacturer: 'Device Simulator', changelog: 'generated by npm run simulate' },
        randomBytes(options.imageKib * 1024),
      );
    });
    log(`firmware ${firmware.firmware_id}: ${firmware.device_model} ${firmware.version}, ${firmware.file_size} bytes`);
  }

  // --- devices ------------------------------------------------------------------------------------
  const deviceIds = Array.from({ length: options.devices }, (_, i) => `${options.prefix}${String(i).padStart(5, '0')}`);
  stats.devices = deviceIds.length;
  const startVersions = new Map<string, string>();
  const deviceApis = new Map<string, DeviceApi>();
  await stats.phase('registration', () =>
    pLimit(options.concurrency).map(deviceIds, async (deviceId) => {
      try {
        let token: string | undefined;
        if (options.reuse) {
          const existing = await operator.getDevice(deviceId);
          if (existing === undefined) throw new Error('--reuse: no such device');
          startVersions.set(deviceId, existing.firmware_version ?? '0.0.0');
          stats.devicesReused++;
        } else {
          const registered = await operator.registerDevice({
            device_id: deviceId,
            device_type: 'simulator',
            device_model: firmware?.device_model ?? options.model,
            manufacturer: 'Device Simulator',
            hardware_version: firmware?.min_hardware_version ?? '1.0',
            firmware_version: '1.0.0',
            tags: ['simulator'],
            ...(options.group ? { groups: [options.group] } : {}),
          });
          startVersions.set(deviceId, '1.0.0');
          if (registered.created) stats.devicesRegistered++;
          else stats.devicesReused++;
          token = registered.token;
        }
        if (options.gatewayKey) {
          deviceApis.set(deviceId, DeviceApi.throughGateway(client, deviceId, options.gatewayKey));
        } else {
          token ??= await operator.rotateToken(deviceId);
          stats.tokensIssued++;
          deviceApis.set(deviceId, DeviceApi.withToken(client, deviceId, token));
        }
      } catch (error) {
        stats.error(`${deviceId}: setup: ${describe(error)}`);
      }
    }),
  );

  // --- boot: subscribe (MQTT) and a first check-in, before anything is released ---------------------
  const link =
    options.transport === 'mqtt' ? await stats.phase('MQTT connect', () => MqttLink.open(options.mqttUrl, options.mqttConnections, `${options.prefix}sim-`)) : undefined;
  // By update id: a retry's outcome replaces the attempt before.
  const outcomes = new Map<string, Outcome>();
  const deadline = () => Date.now() + options.timeoutS * 1000;
  const stop = new AbortController();
  // Every waiting device listens for the end of the run.
  setMaxListeners(0, stop.signal);
  const activity = new FleetActivity();
  const behaviour: DeviceBehaviour = {
    failureRate: options.failureRate,
    refuseRate: options.refuseRate,
    brickRate: options.brickRate,
    phaseDelayMs: options.phaseDelayMs,
    pollMs: options.pollMs,
    deadline: deadline(),
    origin: options.url,
    stop: stop.signal,
    // A passive run's devices all live until its end: the concurrency bounds the work instead.
    ...(options.passive ? { slots: new WorkSlots(options.concurrency), activity } : {}),
  };
  const devices: SimulatedDevice[] = [];
  deviceIds.forEach((deviceId, index) => {
    const api = deviceApis.get(deviceId);
    if (api) devices.push(new SimulatedDevice(index, api, link, stats, behaviour, startVersions.get(deviceId) ?? '1.0.0', outcomes));
  });
  const booted: SimulatedDevice[] = [];
  await stats.phase('boot', () =>
    pLimit(options.concurrency).map(devices, async (device) => {
      try {
        await device.boot();
        booted.push(device);
      } catch (error) {
        stats.error(`${device.deviceId}: boot: ${describe(error)}`);
      }
    }),
  );

  // --- release ------------------------------------------------------------------------------------
  const released = new Map<string, string>();
  if (firmware !== undefined) {
    const firmwareId = firmware.firmware_id;
    // No automatic retries: a failure injected on purpose stays failed, so outcomes can be checked.
    const results = await stats.phase('release', () => operator.bulkUpdate(booted.map((d) => d.deviceId), { firmware_id: firmwareId, max_retries: 0 }));
    for (const result of results) {
      if (result.success && result.update_id) {
        released.set(result.device_id, result.update_id);
        stats.updatesCreated++;
      } else {
        // A device busy with another update still gets that one at check-in; anything else is an error.
        stats.updatesNotCreated++;
        if (result.error !== 'update/device_busy') stats.error(`${result.device_id}: update not created: ${result.error} ${result.detail ?? ''}`);
      }
    }
  }

  // --- run ----------------------------------------------------------------------------------------
  behaviour.deadline = deadline();
  const watch = setInterval(() => {
    if (stop.signal.aborted) return;
    if (Date.now() >= behaviour.deadline) {
      stats.endedBy = `the deadline (--timeout-s ${options.timeoutS})`;
      stop.abort();
    } else if (options.untilIdleS !== undefined && activity.idleMs() >= options.untilIdleS * 1000) {
      stats.endedBy = `no device had work for ${options.untilIdleS} s (--until-idle)`;
      stop.abort();
    }
  }, 100);
  try {
    if (options.passive) {
      log(
        `devices wait for updates until ${new Date(behaviour.deadline).toISOString()}` +
          (options.untilIdleS === undefined ? '' : `, or until none has had work for ${options.untilIdleS} s`),
      );
      await stats.phase('run', () =>
        Promise.all(
          booted.map(async (device) => {
            // An unexpected error ends the device's update, not its life: it waits for the next one.
            // A bricked device is done for good (handleUpdates returns at once: looping would spin).
            while (!stop.signal.aborted && Date.now() < behaviour.deadline && !device.isBricked) {
              try {
                await device.handleUpdates({ once: false, expectUpdate: false });
              } catch (error) {
                stats.error(`${device.deviceId}: ${describe(error)}`);
              }
            }
          }),
        ),
      );
    } else {
      await stats.phase('run', () =>
        pLimit(options.concurrency).map(booted, async (device) => {
          const releasedId = released.get(device.deviceId);
          try {
            await device.handleUpdates({
              once: true,
              expectUpdate: true,
              finished: releasedId ? async () => isTerminal((await operator.getUpdate(releasedId)).status) : undefined,
            });
          } catch (error) {
            stats.error(`${device.deviceId}: ${describe(error)}`);
          }
        }),
      );
      if (Date.now() < behaviour.deadline) stats.endedBy ||= 'every device handled its update';
    }
  } finally {
    clearInterval(watch);
  }
  // Devices also watch the deadline themselves, and may stop before the watch above notices.
  stats.endedBy ||= `the deadline (--timeout-s ${options.timeoutS})`;
  for (const device of booted) stats.finalVersions.set(device.version, (stats.finalVersions.get(device.version) ?? 0) + 1);

  // --- verify: what the service recorded is what each device did ----------------------------------
  await stats.phase('verification', () =>
    pLimit(options.concurrency).map([...outcomes.values()], async (outcome) => {
      try {
        // MQTT reports are applied asynchronously: give them a moment to land.
        const until = Date.now() + (link ? 30_000 : 0);
        for (;;) {
          const update = await operator.getUpdate(outcome.updateId);
          const matches =
            (update.status === outcome.status && (outcome.errorCode === undefined || update.error_code === outcome.errorCode)) ||
            (outcome.cancelledFirst === true && update.status === 'cancelled') ||
            // A bricked device's completed update fails its campaign's health check once the window passes.
            (outcome.bricked === true && update.status === 'failed' && update.error_code === 'health_check');
          if (matches) {
            stats.verified++;
            return;
          }
          // `completed` is terminal, yet becomes `rolled_back` once the rollback's report lands.
          const settled = isTerminal(update.status) && !(outcome.status === 'rolled_back' && update.status === 'completed');
          if (Date.now() >= until || settled) {
            stats.verificationMismatches++;
            stats.error(
              `${outcome.deviceId}: ${outcome.kind} ${outcome.updateId} is ${update.status}/${update.error_code ?? '-'}, ` +
                `the device expects ${outcome.status}/${outcome.errorCode ?? '-'}`,
            );
            return;
          }
          await sleep(250);
        }
      } catch (error) {
        stats.error(`${outcome.deviceId}: verification: ${describe(error)}`);
      }
    }),
  );

  if (link) {
    log(`MQTT: ${link.commandsReceived} commands received, ${link.reportsPublished} reports published, ${link.malformed} unusable messages`);
    await link.close();
  }
  log('');
  stats.print(log);
  return stats.problems === 0 ? 0 : 1;
}

function isTerminal(status: string): boolean {
  return ['completed', 'failed', 'cancelled', 'rolled_back'].includes(status);
}

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  const help = error instanceof UsageError && describe(error) === USAGE;
  (help ? process.stdout : process.stderr).write(`${describe(error)}\n`);
  process.exit(help ? 0 : 2);
}
main(options).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`simulate failed: ${error instanceof ApiError || error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
