import type { ResolvedConnectionRecord } from '@tower/engine';
import { testHttpConnection, testS3Connection, testSmtpConnection, testSnowflakeConnection, type ResolvedConnection } from '@tower/operators';

export interface ConnectionTestOutcome {
  ok: boolean;
  message: string;
}

const TESTERS: Record<ResolvedConnection['type'], (conn: ResolvedConnection) => Promise<ConnectionTestOutcome>> = {
  s3: (conn) => testS3Connection(conn),
  snowflake: (conn) => testSnowflakeConnection(conn),
  http: (conn) => testHttpConnection(conn),
  smtp: (conn) => testSmtpConnection(conn),
};

/**
 * Really connects with the connection's settings — S3: lists the bucket; Snowflake: logs in and
 * runs `select 1`; SMTP: EHLO + auth; HTTP: one request to the base URL — bounded by a timeout.
 * The testers never put a secret in their message.
 */
export async function testConnection(conn: ResolvedConnectionRecord, timeoutMs = 15_000): Promise<ConnectionTestOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ConnectionTestOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${timeoutMs / 1000}s` }), timeoutMs);
  });
  try {
    return await Promise.race([TESTERS[conn.type](conn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
