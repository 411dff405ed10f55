export * from './events.js';
export { EventPublisher, EventSubscriber, type EventHandler } from './event-bus.js';
