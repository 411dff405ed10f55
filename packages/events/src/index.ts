export * from './events.js';
export { EventPublisher, EventSubscriber, TryStopListener, PrincipalRevocationListener, type EventHandler } from './event-bus.js';
