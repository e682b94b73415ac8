import { memo, useEffect, useRef } from 'react';
import { emptyWindow, NUMBER_FIELDS, type NumberField as NumberFieldName, RATE_FIELDS, type RateField, type WindowDraft } from './campaign-form';
import type { SectionProps } from './basics-targets-sections';
import { ROLLBACK_TRIGGER_LABELS, ROLLBACK_TRIGGERS } from './campaign-vocabulary';
import { CheckboxField, fieldId, NumberField, TextAreaField, TextField } from './form-fields';

/** A numeric field of the form, labelled, bounded and defaulted as `NUMBER_FIELDS` says. */
function FormNumber({ field, form, change, problemOf, hint }: SectionProps & { field: NumberFieldName; hint?: string }) {
  const spec = NUMBER_FIELDS[field];
  return (
    <NumberField
      field={field}
      label={spec.label}
      value={form[field]}
      onChange={(value) => change({ [field]: value })}
      fallback={spec.fallback}
      decimals={!spec.integer}
      hint={hint}
      problem={problemOf(field)}
    />
  );
}

export function RolloutSection(props: SectionProps) {
  const { form, change, problemOf } = props;
  const strategy = form.deployment_strategy;
  return (
    <fieldset>
      <legend>Rollout</legend>
      <TextField
        field="stages"
        label="Stages"
        value={form.stages}
        onChange={(stages) => change({ stages })}
        placeholder="10, 50, 100"
        hint={`Staged campaigns: cumulative percentages ending at 100, e.g. 10, 50, 100 (the default).${strategy === 'staged' ? '' : ' Not used by this strategy.'}`}
        problem={problemOf('stages')}
      />
      <div className="field-grid">
        <FormNumber {...props} field="stage_soak_minutes" hint="Staged: watch a finished stage this long before the next." />
        <FormNumber {...props} field="canary_percentage" hint="Canary: share of the devices in the canary." />
        <FormNumber {...props} field="canary_duration_minutes" hint="Canary: watch the finished canary this long." />
        <FormNumber {...props} field="max_concurrent_updates" hint="Devices updating at once, at most." />
        <FormNumber {...props} field="batch_size" hint="Updates released per scheduler tick, at most." />
      </div>
      <CheckboxField
        field="continuous"
        label="Continuous"
        checked={form.continuous}
        onChange={(continuous) => change({ continuous })}
        hint="Devices that come to match the targets later join it; it ends at the scheduled end or on cancel."
      />
      <CheckboxField
        field="ramp"
        label="Ramp the release rate"
        checked={form.ramp}
        onChange={(ramp) => change({ ramp })}
        hint="Start slowly and speed up as updates succeed."
      />
      {form.ramp && (
        <fieldset className="nested">
          <legend>Rollout rate</legend>
          <div className="field-grid">
            {(Object.keys(RATE_FIELDS) as RateField[]).map((field) => (
              <NumberField
                key={field}
                field={`rollout_rate.${field}`}
                label={RATE_FIELDS[field].label}
                value={form.rollout_rate[field]}
                onChange={(value) => change({ rollout_rate: { ...form.rollout_rate, [field]: value } })}
                decimals={!RATE_FIELDS[field].integer}
                hint={field === 'increment_factor' ? '1.1 to 5: the rate is multiplied by it…' : field === 'increase_after_succeeded' ? '…each time this many more succeeded.' : undefined}
                problem={problemOf(`rollout_rate.${field}`)}
              />
            ))}
          </div>
        </fieldset>
      )}
    </fieldset>
  );
}

export function SafetySection(props: SectionProps) {
  const { form, change } = props;
  const toggleTrigger = (trigger: (typeof ROLLBACK_TRIGGERS)[number], on: boolean) =>
    change({ rollback_triggers: on ? [...form.rollback_triggers, trigger] : form.rollback_triggers.filter((existing) => existing !== trigger) });
  return (
    <fieldset>
      <legend>Safety</legend>
      <div className="field-grid">
        <FormNumber {...props} field="failure_threshold_percent" hint="The campaign fails when this share of finished updates failed." />
        <FormNumber {...props} field="min_failure_sample" hint="Finished updates needed before the rate is judged." />
        <FormNumber {...props} field="timeout_minutes" hint="An update not finished this long after its release fails." />
        <FormNumber {...props} field="max_retries" hint="Automatic retries of a device's failed update." />
        <FormNumber {...props} field="health_check_window_minutes" hint="A completed device must confirm the new image within it; 0: off." />
      </div>
      <fieldset className="choices">
        <legend>Rollback triggers</legend>
        <p className="hint">What counts against the failure threshold.</p>
        {ROLLBACK_TRIGGERS.map((trigger) => (
          <CheckboxField
            key={trigger}
            field={`rollback_triggers.${trigger}`}
            label={ROLLBACK_TRIGGER_LABELS[trigger]}
            checked={form.rollback_triggers.includes(trigger)}
            onChange={(on) => toggleTrigger(trigger, on)}
          />
        ))}
      </fieldset>
      <CheckboxField
        field="auto_rollback"
        label="Roll back automatically"
        checked={form.auto_rollback}
        onChange={(auto_rollback) => change({ auto_rollback })}
        hint="When the threshold trips, every completed device goes back to its old version."
      />
    </fieldset>
  );
}

// IANA zones for the time-zone inputs' suggestions, where the browser can list them.
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
const ZONES_LIST = 'campaign-time-zones';

/** Hundreds of options that never change: rendered once, not on every keystroke. */
const TimeZoneList = memo(function TimeZoneList() {
  return (
    <datalist id={ZONES_LIST}>
      <option value="device">each device's own zone</option>
      {TIME_ZONES.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
});

export function ScheduleSection({ form, change, problemOf }: SectionProps) {
  const windows = form.maintenance_windows;
  const addButton = useRef<HTMLButtonElement>(null);
  const shownWindows = useRef(windows.length);
  // Keyboard users land in the window they added; after a removal, back on the add button.
  useEffect(() => {
    if (windows.length > shownWindows.current) document.getElementById(fieldId(`maintenance_windows.${windows.length - 1}.cron`))?.focus();
    else if (windows.length < shownWindows.current) addButton.current?.focus();
    shownWindows.current = windows.length;
  }, [windows.length]);

  const changeWindow = (index: number, patch: Partial<WindowDraft>) =>
    change({ maintenance_windows: windows.map((window, at) => (at === index ? { ...window, ...patch } : window)) });

  return (
    <fieldset>
      <legend>Schedule</legend>
      <TimeZoneList />
      <div className="field-grid">
        <TextField
          field="scheduled_start"
          label="Scheduled start"
          type="datetime-local"
          value={form.scheduled_start}
          onChange={(scheduled_start) => change({ scheduled_start })}
          hint={form.deployment_strategy === 'scheduled' ? 'Your local time. Needed by a scheduled campaign.' : 'Your local time.'}
          problem={problemOf('scheduled_start')}
        />
        <TextField
          field="scheduled_end"
          label="Scheduled end"
          type="datetime-local"
          value={form.scheduled_end}
          onChange={(scheduled_end) => change({ scheduled_end })}
          hint="Nothing new is released after it."
          problem={problemOf('scheduled_end')}
        />
      </div>
      <fieldset className="nested">
        <legend>Maintenance windows</legend>
        <p className="hint">Updates are released only inside a window; with none, at any time.</p>
        {windows.map((window, index) => (
          <fieldset key={index} className="window">
            <legend>Window {index + 1}</legend>
            <TextField
              field={`maintenance_windows.${index}.cron`}
              label="Cron"
              value={window.cron}
              onChange={(cron) => changeWindow(index, { cron })}
              placeholder="0 2 * * *"
              hint="minute hour day month weekday: each match opens the window"
              problem={problemOf(`maintenance_windows.${index}.cron`)}
            />
            <NumberField
              field={`maintenance_windows.${index}.duration_minutes`}
              label="Duration (minutes)"
              value={window.duration_minutes}
              onChange={(duration_minutes) => changeWindow(index, { duration_minutes })}
              problem={problemOf(`maintenance_windows.${index}.duration_minutes`)}
            />
            <TextField
              field={`maintenance_windows.${index}.time_zone`}
              label="Time zone"
              value={window.time_zone}
              onChange={(time_zone) => changeWindow(index, { time_zone })}
              list={ZONES_LIST}
              hint="An IANA zone, or device"
              problem={problemOf(`maintenance_windows.${index}.time_zone`)}
            />
            <button type="button" onClick={() => change({ maintenance_windows: windows.filter((_, at) => at !== index) })}>
              Remove window {index + 1}
            </button>
          </fieldset>
        ))}
        {windows.length < 20 && (
          <button type="button" ref={addButton} onClick={() => change({ maintenance_windows: [...windows, emptyWindow()] })}>
            Add a maintenance window
          </button>
        )}
      </fieldset>
      <TextField
        field="default_time_zone"
        label="Default time zone"
        value={form.default_time_zone}
        onChange={(default_time_zone) => change({ default_time_zone })}
        list={ZONES_LIST}
        placeholder="UTC"
        hint="For windows in device zones: devices without a valid timezone attribute use this."
        problem={problemOf('default_time_zone')}
      />
    </fieldset>
  );
}

export function PoliciesSection({ form, change, problemOf }: SectionProps) {
  return (
    <fieldset>
      <legend>Policies</legend>
      <CheckboxField
        field="requires_approval"
        label="Requires approval"
        checked={form.requires_approval}
        onChange={(requires_approval) => change({ requires_approval })}
        hint="An admin other than you must approve it before it can start."
      />
      <CheckboxField
        field="requires_device_confirmation"
        label="Requires device confirmation"
        checked={form.requires_device_confirmation}
        onChange={(requires_device_confirmation) => change({ requires_device_confirmation })}
        hint="Each device must consent before it gets the update."
      />
      <fieldset className="choices">
        <legend>Notify</legend>
        <CheckboxField field="notify_on_start" label="On start" checked={form.notify_on_start} onChange={(notify_on_start) => change({ notify_on_start })} />
        <CheckboxField field="notify_on_complete" label="On completion" checked={form.notify_on_complete} onChange={(notify_on_complete) => change({ notify_on_complete })} />
        <CheckboxField field="notify_on_failure" label="On failure" checked={form.notify_on_failure} onChange={(notify_on_failure) => change({ notify_on_failure })} />
      </fieldset>
      <TextAreaField
        field="notification_channels"
        label="Notification channels"
        value={form.notification_channels}
        onChange={(notification_channels) => change({ notification_channels })}
        placeholder="webhook:https://hooks.example.com/ota"
        hint={<>One a line (at most 20); <code>webhook:https://…</code> entries are called by the service itself.</>}
        problem={problemOf('notification_channels')}
      />
    </fieldset>
  );
}
