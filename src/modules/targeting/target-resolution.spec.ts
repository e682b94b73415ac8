import { ValidationError } from '../../common/errors/domain-error';
import { resolveTarget } from './target-resolution';
import type { TargetSpec } from './target-spec';

/** What a target spec may not be; refused before any SQL runs. What the SQL selects is tested in test/integration/target-selection.spec.ts. */
const ORG = 'org-a';

function spec(overrides: Partial<TargetSpec>): TargetSpec {
  return { seed: 'test', ...overrides };
}

function validationErrorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveTarget', () => {
  it.each([
    [{ colour: 'red' }, 'colour', /Unknown filter key "colour"/],
    [{ attributes: { region: 'eu' } }, 'attributes', /Unknown filter key "attributes"/],
    [{ 'attributes.': 'x' }, 'attributes.', /Unknown filter key/],
    [{ firmware_version: 'banana' }, 'firmware_version', /"banana" is not a valid semver range/],
    [{ firmware_version: '' }, 'firmware_version', /not a valid semver range/],
    [{ firmware_version: 2 }, 'firmware_version', /must be a semver range string/],
    [{ device_type: 3 }, 'device_type', /"device_type" must be a string/],
    [{ hardware_version: null }, 'hardware_version', /"hardware_version" must be a string/],
    [{ tags: 'beta' }, 'tags', /"tags" must be an array of strings/],
    [{ tags: ['beta', 1] }, 'tags', /"tags" must be an array of strings/],
    [{ tags: [] }, 'tags', /"tags" must name at least one tag/],
    [{ group: ['eu'] }, 'group', /"group" must be a string/],
    [{ 'attributes.region': { nested: true } }, 'attributes.region', /"attributes.region" must be a string, a number or a boolean/],
    [{ 'attributes.region': null }, 'attributes.region', /must be a string, a number or a boolean/],
  ])('refuses %j naming the key', (filters, key, message) => {
    const error = validationErrorOf(() => resolveTarget(ORG, spec({ targetFilters: filters as Record<string, unknown> }), null));
    expect(error.code).toBe('target/invalid_filter');
    expect(error.errors).toEqual([{ loc: ['body', 'target_filters', key], msg: expect.stringMatching(message), type: 'target_filter' }]);
    expect(error.message).toContain(key);
  });

  const alternatives = (count: number) => Array.from({ length: count }, (_, i) => `${i}.0.0`).join(' || ');

  it.each([
    [{ firmware_version: alternatives(30) }, 'firmware_version', /286 characters long; at most 256/],
    [{ firmware_version: Array.from({ length: 40 }, (_, i) => String(i)).join('||') }, 'firmware_version', /40 alternatives \(\|\|\); at most 32/],
    [{ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags', /51 tags; at most 50/],
    [{ tags: ['x'.repeat(101)] }, 'tags', /a tag has at most 100 characters/],
    [{ device_type: 'x'.repeat(101) }, 'device_type', /longer than 100 characters/],
    [{ hardware_version: 'x'.repeat(51) }, 'hardware_version', /longer than 50 characters/],
    [{ group: 'x'.repeat(101) }, 'group', /longer than 100 characters/],
    [{ 'attributes.region': 'x'.repeat(501) }, 'attributes.region', /longer than 500 characters/],
    [{ [`attributes.${'k'.repeat(101)}`]: 'eu' }, `attributes.${'k'.repeat(101)}`, /attribute names have at most 100 characters/],
  ])('refuses a filter past its limits (%#), naming the key and the limit', (filters, key, message) => {
    const error = validationErrorOf(() => resolveTarget(ORG, spec({ targetFilters: filters }), null));
    expect(error.code).toBe('target/invalid_filter');
    expect(error.errors).toEqual([{ loc: ['body', 'target_filters', key], msg: expect.stringMatching(message), type: 'target_filter' }]);
  });

  it('accepts a range at the limits: 32 alternatives', () => {
    const range = Array.from({ length: 32 }, (_, i) => String(i)).join('||');
    expect(() => resolveTarget(ORG, spec({ targetFilters: { firmware_version: range } }), null)).not.toThrow();
  });

  it.each([
    [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`attributes.a${i}`, 1])), /33 keys; at most 32/],
    [Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`attributes.a${i}`, 'x'.repeat(500)])), /characters long as JSON; at most 16384/],
    // The range of the report: 5 000 alternatives kept PostgreSQL busy for 15 s per preview.
    [{ firmware_version: alternatives(5_000) }, /characters long as JSON; at most 16384/],
  ])('refuses target_filters too large as a whole (%#) before reading any key', (filters, message) => {
    const error = validationErrorOf(() => resolveTarget(ORG, spec({ targetFilters: filters }), null));
    expect(error.code).toBe('target/invalid_filter');
    expect(error.errors).toEqual([{ loc: ['body', 'target_filters'], msg: expect.stringMatching(message), type: 'target_filter_size' }]);
  });

  it('names every bad key at once', () => {
    const error = validationErrorOf(() => resolveTarget(ORG, spec({ targetFilters: { colour: 'red', device_model: 'ok', firmware_version: '>>1' } }), null));
    expect(error.errors.map((e) => e.loc)).toEqual([
      ['body', 'target_filters', 'colour'],
      ['body', 'target_filters', 'firmware_version'],
    ]);
  });

  it.each([{}, { targetDevices: [], targetGroups: [] }, { targetFilters: {} }, { targetDevices: [], targetFilters: {} }])(
    'refuses %j: no target at all',
    (target) => {
      expect(validationErrorOf(() => resolveTarget(ORG, spec(target), null)).code).toBe('target/no_targets');
    },
  );

  it.each([0, 0.5, 101, Number.NaN])('refuses rollout_percentage %p', (rolloutPercentage) => {
    const error = validationErrorOf(() => resolveTarget(ORG, spec({ targetGroups: ['eu'], rolloutPercentage }), null));
    expect(error.errors[0].loc).toEqual(['body', 'rollout_percentage']);
  });

  it('leaves out what it does not need: no firmware, no compatibility; 100 %, no hashing', () => {
    const target = resolveTarget(ORG, spec({ targetGroups: ['eu'] }), null);
    expect(target.parts).toMatchObject({ compatibility: null, onTargetVersion: null, sample: null });
    expect(target.selected.sql).not.toContain('hashtextextended');
    expect(resolveTarget(ORG, spec({ targetGroups: ['eu'], rolloutPercentage: 99.99 }), null).parts.sample?.sql).toContain('hashtextextended');
  });

  it('scopes every set to the organization', () => {
    const target = resolveTarget(ORG, spec({ targetDevices: ['d-1'] }), { device_model: 'M', version: '1.0.0', min_hardware_version: null, max_hardware_version: null });
    for (const condition of [target.matched, target.compatible, target.alreadyOnTargetVersion, target.selected]) {
      expect(condition.sql).toContain('d.organization_id = ');
      expect(condition.values).toContain(ORG);
    }
  });
});
