import { randomUUID } from 'node:crypto';

/** The event envelope of the platform (api-contract.md § Events). */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  source: 'ota_service';
  subject: string | null;
  timestamp: string;
  data: T;
  metadata: Record<string, unknown>;
  version: '1.0.0';
}

export const SUBJECT_PREFIX = 'ota_service';

export function subjectOf(type: string): string {
  return `${SUBJECT_PREFIX}.${type}`;
}

export function buildEnvelope<T>(type: string, data: T, subject: string | null = null, now = new Date()): EventEnvelope<T> {
  return { id: randomUUID(), type, source: 'ota_service', subject, timestamp: now.toISOString(), data, metadata: {}, version: '1.0.0' };
}
