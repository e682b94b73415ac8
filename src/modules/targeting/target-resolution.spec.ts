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
