export * from './alert-rules.js';
export * from './alert-decisions.js';
export * from './alert-channels.js';
export * from './alert-messages.js';
export * from './text.js';
