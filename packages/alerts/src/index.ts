export type { AlertsDeps } from './deps.js';
export { AlertChannelService, type AlertChannelInput, type AlertChannelView, type ResolvedAlertChannel } from './channel-service.js';
export { AlertRuleService, type AlertRuleView } from './rule-service.js';
export { AlertInboxService, inboxKeyOf, type AlertFilters, type AlertPage } from './inbox-service.js';
export { AlertStore, ALERT_JSON, type AlertWrites } from './alert-store.js';
export { AlertEvaluator, EVALUATOR_LOCK, type EvaluationResult, type EvaluatorOptions } from './evaluator.js';
export { sweepTimers } from './timer-sweep.js';
export {
  ALERT_QUEUE,
  AlertDeliverer,
  AlertDeliveryQueue,
  backoffMs,
  DEFAULT_DELIVERY_OPTIONS,
  deliveryJobId,
  messageOf,
  testChannel,
  type DeliveryJob,
  type DeliveryOptions,
} from './delivery.js';
export { sendToChannel, type SendResult } from './senders.js';
export { SIGNATURE_HEADER, signatureHeader, verifyWebhookSignature, webhookSignature } from './signature.js';
export { DEFAULT_ALERTING_OPTIONS, publishAlertWrites, startAlerting, type AlertingHandle, type AlertingOptions } from './runtime.js';
