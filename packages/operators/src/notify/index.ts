export { notifyOperator, type ChannelResult, type NotifyResult, type WebhookPayload } from './notify.operator.js';
export { sendEmail, smtpConfig, testSmtpConnection, type EmailMessage, type SmtpConnectionConfig } from './email.js';
export { postWebhook, signBody, testHttpConnection, SIGNATURE_HEADER } from './webhook.js';
export { resolveStatus, shouldNotify, type NotifyOn, type RunStatus } from './status.js';
