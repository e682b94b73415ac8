import { Injectable } from '@nestjs/common';

/**
 * The time the rollout decides by (soak and canary gates, stage times). One injectable source so
 * a test can move it instead of waiting; the database's own `now()` still stamps rows.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
