// The live-updates feature: EventBridge rules and SQS queues for CodePipeline's events (setup side).
export { eventsFeature } from './handlers';
export { EventsService } from './service';
export { EventCoverage, type EventFeed, type CoverageOptions, type ModeView, type Miss } from './coverage';
