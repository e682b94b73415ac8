import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { components } from '../../../../clients/typescript';
import { ErrorMessage } from '../../components/error-message';
import { type CampaignForm, type FilterDraft, NUMBER_FIELDS, STRING_FILTERS, type StringFilter, splitList, toggleListItem } from './campaign-form';
import { type DeploymentStrategy, type Firmware, firmwareOptionText, type Priority, PRIORITIES, STRATEGIES, STRATEGY_LABELS } from './campaign-vocabulary';
import { CheckboxField, NumberField, SelectField, TextAreaField, TextField } from './form-fields';

type DeviceGroup = components['schemas']['DeviceGroupDto'];

export interface SectionProps {
  form: CampaignForm;
  change: (patch: Partial<CampaignForm>) => void;
  /** The problem to show at a field (by its path), if any. */
  problemOf: (field: string) => string | undefined;
}

interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

export function BasicsSection({ form, change, problemOf, firmware }: SectionProps & { firmware: Loaded<Firmware[]> }) {
  const noFirmware = firmware.data !== undefined && firmware.data.length === 0;
  return (
    <fieldset>
      <legend>Basics</legend>
      <TextField field="name" label="Name" value={form.name} onChange={(name) => change({ name })} problem={problemOf('name')} required maxLength={200} />
      <TextAreaField
        field="description"
        label="Description"
        value={form.description}
        onChange={(description) => change({ description })}
        problem={problemOf('description')}
        rows={2}
      />
      <SelectField
        field="firmware_id"
        label="Firmware"
        value={form.firmware_id}
        onChange={(firmware_id) => change({ firmware_id })}
        problem={problemOf('firmware_id')}
        required
        hint={noFirmware ? <>No firmware uploaded yet: <Link href="/firmware">upload one</Link> first.</> : undefined}
      >
        <option value="">{firmware.loading ? 'Loading firmware…' : 'Choose a firmware'}</option>
        {firmware.data?.map((item) => (
          <option key={item.firmware_id} value={item.firmware_id}>
            {firmwareOptionText(item)}
          </option>
        ))}
      </SelectField>
      <ErrorMessage error={firmware.error} title="The firmware could not be listed" />
      <SelectField
        field="deployment_strategy"
        label="Deployment strategy"
        value={form.deployment_strategy}
        onChange={(value) => change({ deployment_strategy: value as DeploymentStrategy })}
      >
        {STRATEGIES.map((strategy) => (
          <option key={strategy} value={strategy}>
            {STRATEGY_LABELS[strategy]}
          </option>
        ))}
      </SelectField>
      <SelectField field="priority" label="Priority" value={form.priority} onChange={(value) => change({ priority: value as Priority })}>
        {PRIORITIES.map((priority) => (
          <option key={priority} value={priority}>
            {priority}
          </option>
        ))}
      </SelectField>
    </fieldset>
  );
}

export function TargetsSection({ form, change, problemOf, groups }: SectionProps & { groups: Loaded<DeviceGroup[]> }) {
  const chosen = new Set(splitList(form.target_groups));
  const filterProblem = problemOf('target_filters.attributes');
  const changeFilter = (patch: Partial<FilterDraft>) => change({ target_filters: { ...form.target_filters, ...patch } });
  // Collapsed at first; opened (and left open) when a filter needs fixing.
  const [filtersOpen, setFiltersOpen] = useState(false);
  useEffect(() => {
    if (filterProblem !== undefined) setFiltersOpen(true);
  }, [filterProblem]);
  return (
    <fieldset>
      <legend>Targets</legend>
      <p className="hint">A device is targeted when it is named, in a named group, or matches every filter given.</p>
      <TextField
        field="target_groups"
        label="Target groups"
        value={form.target_groups}
        onChange={(target_groups) => change({ target_groups })}
        hint="Group names, separated by commas."
        problem={problemOf('target_groups')}
      />
      {groups.data && groups.data.length > 0 && (
        <fieldset className="choices">
          <legend>Groups in the fleet</legend>
          {groups.data.map((group) => (
            <CheckboxField
              key={group.name}
              field={`fleet_group.${group.name}`}
              label={`${group.name} (${group.device_count} devices)`}
              checked={chosen.has(group.name)}
              onChange={() => change({ target_groups: toggleListItem(form.target_groups, group.name) })}
            />
          ))}
        </fieldset>
      )}
      <ErrorMessage error={groups.error} title="The fleet's groups could not be listed" />
      <TextAreaField
        field="target_devices"
        label="Target devices"
        value={form.target_devices}
        onChange={(target_devices) => change({ target_devices })}
        hint="Device ids, one a line or separated by commas."
        problem={problemOf('target_devices')}
      />
      <details className="advanced" open={filtersOpen} onToggle={(event) => setFiltersOpen(event.currentTarget.open)}>
        <summary id="campaign-target-filters">Target filters</summary>
        <fieldset aria-labelledby="campaign-target-filters">
          <div className="field-grid">
            {(Object.keys(STRING_FILTERS) as StringFilter[]).map((key) => (
              <TextField
                key={key}
                field={`target_filters.${key}`}
                label={STRING_FILTERS[key]}
                value={form.target_filters[key]}
                onChange={(value) => changeFilter({ [key]: value })}
                placeholder={key === 'firmware_version' ? '<2.0.0' : undefined}
                hint={key === 'firmware_version' ? 'A semver range, e.g. <2.0.0 or 1.x' : undefined}
              />
            ))}
            <TextField
              field="target_filters.tags"
              label="Tags"
              value={form.target_filters.tags}
              onChange={(tags) => changeFilter({ tags })}
              hint="Comma separated; a device needs all of them."
            />
          </div>
          <TextAreaField
            field="target_filters.attributes"
            label="Attributes"
            value={form.target_filters.attributes}
            onChange={(attributes) => changeFilter({ attributes })}
            placeholder="region=eu"
            hint={<>One <code>name=value</code> a line; true, false and numbers match as such, &quot;quoted&quot; values as text.</>}
            problem={filterProblem}
          />
        </fieldset>
      </details>
      <NumberField
        field="rollout_percentage"
        label={NUMBER_FIELDS.rollout_percentage.label}
        value={form.rollout_percentage}
        onChange={(rollout_percentage) => change({ rollout_percentage })}
        fallback={NUMBER_FIELDS.rollout_percentage.fallback}
        decimals
        hint="Share of the compatible devices not on the version yet to select (1–100)."
        problem={problemOf('rollout_percentage')}
      />
    </fieldset>
  );
}
