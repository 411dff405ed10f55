export * from './events.js';
export { EventPublisher, EventSubscriber, TryStopListener, type EventHandler } from './event-bus.js';
