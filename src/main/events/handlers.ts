// Live updates (issue 24), as a feature: the setup's plan, apply, template, test,
// status and remove. Each resource's outcome is also sent as `events.resource`, so
// Accounts & Settings can show the setup as it goes.
import type { EventHub } from '../rpc/event-hub';
import type { HandlerSlice } from '../rpc/handler-slice';
import { viewOf, type EventsService, type LastEventOf } from './service';

type EventsMethods = 'events.plan' | 'events.apply' | 'events.template' | 'events.test' | 'events.status' | 'events.removePlan' | 'events.remove';

export function eventsFeature({
  service,
  events,
  onSetupChanged,
  lastEvent,
}: {
  service: EventsService;
  events: Pick<EventHub, 'emit'>;
  /** After an apply or remove: the watchers re-read the setup now rather than at their next periodic check (a minute later). */
  onSetupChanged?: () => void;
  /** When the watchers of this process last heard each target (their reader of the queues). */
  lastEvent?: LastEventOf;
}): { handlers: HandlerSlice<EventsMethods> } {
  const thenChanged = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      onSetupChanged?.();
    }
  };
  return {
    handlers: {
      'events.plan': async (input) => {
        const plan = await service.plan(input);
        return { ...plan, resources: plan.resources.map(viewOf) };
      },
      'events.apply': (input) => thenChanged(service.apply(input, (o) => events.emit('events.resource', o))),
      'events.template': (input) => service.templates(input),
      'events.test': ({ profile, region }) => service.test(profile, region),
      'events.status': async ({ targets }) => ({ targets: await service.status(targets, { lastEvent }) }),
      'events.removePlan': async (input) => (await service.removePlan(input)).view,
      'events.remove': ({ targets }) => thenChanged(service.remove({ targets }, (o) => events.emit('events.resource', o))),
    },
  };
}
