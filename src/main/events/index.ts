// The live-updates feature: EventBridge rules and SQS queues for CodePipeline's events (setup side).
export { eventsFeature } from './handlers';
export { EventsService } from './service';
