import type Snowflake from 'snowflake-sdk';

export type SnowflakeDriver = typeof Snowflake;

let driver: Promise<SnowflakeDriver> | undefined;

const silent = () => undefined;

/**
 * snowflake-sdk, loaded on first use and configured for a multi-tenant worker:
 * - Platform detection off: when it loads, the driver probes cloud metadata endpoints (EC2,
 *   Azure, GCE) and calls AWS STS GetCallerIdentity with the *worker's* ambient AWS credentials
 *   to report the platform at login. A worker must not use its own identity on a tenant's behalf,
 *   so SNOWFLAKE_DISABLE_PLATFORM_DETECTION is set (unless the environment sets it) before the
 *   module is evaluated — hence the dynamic import.
 * - Logging to a no-op logger: the driver's messages can quote SQL text (a COPY statement holds
 *   S3 credentials) and its default logger writes a file in the working directory. Errors still
 *   reach Tower through the driver's callbacks, where they are mapped and scrubbed.
 */
export function loadSnowflakeDriver(): Promise<SnowflakeDriver> {
  driver ??= (async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    const { default: snowflake } = await import('snowflake-sdk');
    snowflake.configure({ logLevel: 'OFF', customLogger: { error: silent, warn: silent, info: silent, debug: silent, trace: silent } });
    return snowflake;
  })();
  return driver;
}
