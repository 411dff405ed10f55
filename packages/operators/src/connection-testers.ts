import type { ConnectionType } from '@tower/core';
import { testHttpConnection } from './notify/webhook.js';
import { testSmtpConnection } from './notify/email.js';
import type { ResolvedConnection } from './operator.js';
import { testS3Connection } from './s3/client.js';
import { testSnowflakeConnection } from './snowflake/client.js';

export interface ConnectionTestOutcome {
  ok: boolean;
  message: string;
}

export type ConnectionTester = (conn: ResolvedConnection) => Promise<ConnectionTestOutcome>;

/**
 * How `testConnection` really connects, per connection type — S3: lists the bucket; Snowflake:
 * logs in and runs `select 1`; SMTP: EHLO + auth; HTTP: one request to the base URL. The I/O half
 * of a connection type (core declares its schema and secret fields): a type without a tester does
 * not compile. Testers never put a secret in their message.
 */
export const CONNECTION_TESTERS = {
  s3: testS3Connection,
  snowflake: testSnowflakeConnection,
  http: testHttpConnection,
  smtp: testSmtpConnection,
} as const satisfies { readonly [C in ConnectionType]: ConnectionTester };
