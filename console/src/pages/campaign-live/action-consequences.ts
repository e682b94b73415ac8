import type { OperatorAction } from './campaign-actions';
import { stageLabel } from './stage-failures';
import type { GroupCounts } from './status-series';

/** What the consequences are worded from: the campaign and its latest device counts. */
export interface ConsequenceFacts {
  counts: GroupCounts;
  /** Devices a start would select now (before the start), or the campaign holds (after). */
  targetDevices: number;
  firmwareVersion: string | null;
  deploymentStrategy: string;
  /** When a scheduled campaign would start, if it waits. */
  startsAt: string | null;
  stagePlan: readonly { stage: number; devices: number; status: string }[];
  /** Blue-green: devices staged on their standby slot, waiting for the switch. */
  stagedDevices: number;
}

export function devices(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'device' : 'devices'}`;
}

/** The sentence a confirmation dialog shows: what will happen, to how many devices. */
export function consequenceOf(action: OperatorAction, facts: ConsequenceFacts): string {
  const { counts } = facts;
  const version = facts.firmwareVersion ? `firmware ${facts.firmwareVersion}` : 'the firmware';
  switch (action) {
    case 'approve':
      return `The campaign becomes ready to start (${devices(facts.targetDevices)} selected now). Nothing is sent to any device until someone starts it.`;
    case 'reject':
      return `The campaign is rejected for good: it can never start, and none of its ${devices(facts.targetDevices)} gets ${version}.`;
    case 'start':
      return startConsequence(facts, version);
    case 'pause':
      return `No more updates are released: ${devices(counts.pending)} not released yet wait. The ${devices(counts.in_progress)} updating now carry on and are still counted.`;
    case 'resume':
      return `Releasing goes on: ${devices(counts.pending)} still wait for ${version}.`;
    case 'advance':
      return advanceConsequence(facts);
    case 'cancel':
      return `Every unfinished update is cancelled: ${devices(counts.pending)} not released yet never get it, and the ${devices(counts.in_progress)} updating now are told to stop. The ${devices(counts.completed)} already updated keep ${version}.`;
    case 'rollback':
      return `The ${devices(counts.pending + counts.in_progress)} not finished are cancelled, and each of the ${devices(counts.completed)} that completed the update goes back to the firmware it ran before.`;
    case 'retry':
      return `A new campaign with the same settings is created over the ${devices(counts.failed)} whose update failed. You go to it next; it sends nothing until it is started.`;
  }
}

function startConsequence(facts: ConsequenceFacts, version: string): string {
  if (facts.startsAt !== null) return `The campaign waits until ${new Date(facts.startsAt).toLocaleString()}, then sends ${version} to the devices it selects then (${devices(facts.targetDevices)} now).`;
  const first = facts.stagePlan[0];
  const staging = facts.stagePlan.length > 1 && first ? `, ${stageLabel(first.stage)} first (${devices(first.devices)})` : '';
  return `The targets are resolved now and ${devices(facts.targetDevices)} start getting ${version}${staging}.`;
}

function advanceConsequence(facts: ConsequenceFacts): string {
  if (facts.deploymentStrategy === 'blue_green') return `The ${devices(facts.stagedDevices)} staged on their standby slot switch to the new image now, together.`;
  const next = facts.stagePlan.find((stage) => stage.status === 'pending');
  if (next === undefined) return 'Every stage is open already: nothing more to open.';
  return `${stageLabel(next.stage)} opens now and its ${devices(next.devices)} start updating, without waiting for the open stage to finish and pass its gate.`;
}
