// Live updates (issue 24), as a feature: the setup's plan, apply, template, test,
// status and remove. Each resource's outcome is also sent as `events.resource`, so
// Accounts & Settings can show the setup as it goes. Creating and removing take the
// person's confirmation (shared/safety/confirmation.ts): the plan's resources they saw,
// and the word of each production account among them.
import { confirm } from '../../shared/safety/confirmation';
import { accountConfirmationView } from '../aws/accounts-now';
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
        const request = await service.changeRequest(
          'events-setup',
          plan.resources,
          plan.resources.map((r) => r.id),
        );
        return { ...plan, resources: plan.resources.map(viewOf), accounts: request.accounts.map(accountConfirmationView) };
      },
      'events.apply': async ({ resources, production, ...input }) => {
        const confirmed = confirm(await service.setupRequest(input, resources), { words: [], production });
        return thenChanged(service.apply(input, { confirmed, resources }, (o) => events.emit('events.resource', o)));
      },
      'events.template': (input) => service.templates(input),
      'events.test': ({ profile, region }) => service.test(profile, region),
      'events.status': async ({ targets }) => ({ targets: await service.status(targets, { lastEvent }) }),
      'events.removePlan': async (input) => {
        const { view, resources } = await service.removePlan(input);
        const request = await service.changeRequest(
          'events-remove',
          resources,
          resources.map((r) => r.id),
        );
        return { ...view, accounts: request.accounts.map(accountConfirmationView) };
      },
      'events.remove': async ({ targets, resources, production }) => {
        const confirmed = confirm(await service.removeRequest({ targets }, resources), { words: [], production });
        return thenChanged(service.remove({ targets }, { confirmed, resources }, (o) => events.emit('events.resource', o)));
      },
    },
  };
}
