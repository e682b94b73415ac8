import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { growingLru } from '../cache/growing-lru';
import type { AppConfig } from '../../config';
import { RateLimitedError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';
import { hasCredential, type LimitedBucket, rateLimitBudget } from './rate-limit-key';

/** A key's count in its window, and the milliseconds left in the window. */
interface Spent {
  current: number;
  ttl: number;
}
type StoreCallback = (error: Error | null, spent: Spent) => void;
/** `@fastify/rate-limit`'s stores (`incr` counts a request, `read` only looks); the package types neither. */
interface BudgetStore {
  incr(key: string, callback: StoreCallback, windowMs: number, max: number): void;
  read(key: string, callback: StoreCallback, windowMs: number, max: number): void;
}
/** The two flags are the plugin's `continueExceeding` and `exponentialBackoff`, both off here. */
type StoreConstructor<Backing extends unknown[]> = new (continueExceeding: boolean, exponentialBackoff: boolean, ...backing: Backing) => BudgetStore;
// The plugin's own stores: its counting in memory (an LRU of keys) and in Redis (one Lua script).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as StoreConstructor<[maxKeys: number]>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as StoreConstructor<[redis: Redis, keyPrefix: string]>;

/**
 * Budgets kept in memory: one entry per key seen in a window, so it must hold a busy window's
 * keys (a fleet's devices) or budgets would restart early; least recently used go first.
 */
const MEMORY_STORE_KEYS = 100_000;
/** A Redis that stops answering delays a request by at most this, then the request goes through. */
const REDIS_COMMAND_TIMEOUT_MS = 250;

const logger = new Logger('RateLimits');

const BUDGET_NAMES: Record<LimitedBucket, string> = {
  read: 'reads per credential',
  write: 'writes per credential',
  device: 'device API requests per device',
  anonymous: 'anonymous requests (public routes, no credentials) per client address',
};

/**
 * Rate limits (on `@fastify/rate-limit`'s stores), checked in an `onRequest` hook, before routing
 * reaches Nest and before authentication: each request draws on the budget of its key (`rate-limit-key.ts`),
 * answered 429 in the API's error shape with `Retry-After` and `RateLimit-Limit/-Remaining/-Reset`
 * once the budget of the window is spent. Budgets live in Redis when `REDIS_URL` is set, so
 * replicas share them; otherwise in this replica's memory. A Redis that fails lets requests
 * through (and is logged): losing limits for a while beats refusing every request.
 *
 * Requests answered 401 also draw, after the fact, on a per-IP budget of failures; while it is
 * spent, the IP's credentialed requests get 429 before authentication. Otherwise a caller could
 * make up a credential per request and get a fresh budget each time.
 */
export function registerRateLimits(fastify: FastifyInstance, config: Pick<AppConfig, 'rateLimits' | 'redis'>): void {
  const { enabled, windowMs, perSecond, redisPrefix } = config.rateLimits;
  if (!enabled) return;
  const windowSeconds = windowMs / 1000;
  const budget = (perSecondLimit: number) => Math.max(1, Math.round(perSecondLimit * windowSeconds));
  const budgets: Record<LimitedBucket, number> = {
    read: budget(perSecond.read),
    write: budget(perSecond.write),
    device: budget(perSecond.device),
    anonymous: budget(perSecond.anonymous),
  };
  const redis = config.redis.url === undefined ? undefined : connectRedis(config.redis.url);
  if (redis) fastify.addHook('onClose', () => redis.quit().then(() => undefined, () => redis.disconnect()));

  const budgetStore = redis ? new RedisStore(false, false, redis, redisPrefix) : new LocalStore(false, false, MEMORY_STORE_KEYS);
  const failureStore = redis ? new RedisStore(false, false, redis, `${redisPrefix}auth_failure:`) : new LocalStore(false, false, MEMORY_STORE_KEYS);
  const failuresBudget = budget(perSecond.authFailures);

  // Addresses answered 401 here lately: only their requests look their failures up, so the rest
  // of the traffic pays nothing for this check (no Redis call). Another replica's failures count
  // here from this replica's first 401 to the address on.
  const suspects = growingLru<string, true>(MEMORY_STORE_KEYS, { ttl: windowMs });
  fastify.addHook('onRequest', (request, reply, done) => {
    // Requests without credentials are limited per IP already.
    if (!suspects.has(request.ip) || !hasCredential(request)) return done();
    failureStore.read(
      request.ip,
      (error, failures) => {
        // Counted after the fact, so the budget is spent once the count reaches it.
        if (error || failures.current < failuresBudget) return done();
        const resetSeconds = windowSecondsLeft(failures.ttl);
        setRateLimitHeaders(reply, failuresBudget, resetSeconds);
        const detail = `Too many requests with invalid credentials from this address (at most ${failuresBudget} per ${windowSeconds} s); retry in ${resetSeconds} s`;
        done(new RateLimitedError(ErrorCode.RateLimited, detail));
      },
      windowMs,
      failuresBudget,
    );
  });
  // A callback hook over the plugin's stores rather than the plugin's own hook: that one awaits
  // five promises per request, measurably dear on the device check-in (see the README's benchmark).
  fastify.addHook('onRequest', (request, reply, done) => {
    const drawnOn = rateLimitBudget(request);
    if (drawnOn === undefined) return done();
    const { bucket, key } = drawnOn;
    const max = budgets[bucket];
    budgetStore.incr(
      key,
      (error, spent) => {
        // A store that fails (Redis unavailable) lets the request through; the client logs the outage.
        if (error) return done();
        const resetSeconds = windowSecondsLeft(spent.ttl);
        if (spent.current <= max) {
          void reply.header('ratelimit-limit', max).header('ratelimit-remaining', max - spent.current).header('ratelimit-reset', resetSeconds);
          return done();
        }
        setRateLimitHeaders(reply, max, resetSeconds);
        const detail = `Rate limit exceeded: at most ${max} ${BUDGET_NAMES[bucket]} per ${windowSeconds} s; retry in ${resetSeconds} s`;
        done(new RateLimitedError(ErrorCode.RateLimited, detail));
      },
      windowMs,
      max,
    );
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (reply.statusCode === 401) {
      suspects.set(request.ip, true);
      failureStore.incr(
        request.ip,
        (error) => {
          if (error) logger.error(`Counting a failed authentication: ${String(error)}`);
        },
        windowMs,
        failuresBudget,
      );
    }
    done();
  });
}

/** Whole seconds until the window of a budget ends (at least 1: a client must wait for it). */
function windowSecondsLeft(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000));
}

/** The headers the plugin sets on its own 429 answers (draft 6 names). */
function setRateLimitHeaders(reply: FastifyReply, max: number, resetSeconds: number): void {
  void reply.header('ratelimit-limit', max).header('ratelimit-remaining', 0).header('ratelimit-reset', resetSeconds).header('retry-after', resetSeconds);
}

/**
 * A client for the shared budgets that never makes a request wait for Redis: commands fail at
 * once while it is disconnected (no offline queue, no retries) and time out quickly, and the plugin
 * then lets the request through. An outage is logged once, and the recovery.
 */
function connectRedis(url: string): Redis {
  // Loaded only here: a replica without REDIS_URL does not carry the client (3–6 MB of RSS, measured at idle).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // Concurrent requests' commands go out in one write.
    enableAutoPipelining: true,
  });
  let available = true;
  redis.on('error', (error: Error) => {
    if (!available) return;
    available = false;
    logger.warn(`Redis for rate limits unavailable (${error.message}): requests are not limited until it is back`);
  });
  redis.on('ready', () => {
    if (available) return;
    available = true;
    logger.log('Redis for rate limits reachable again: limits apply');
  });
  return redis;
}
