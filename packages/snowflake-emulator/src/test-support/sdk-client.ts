import snowflake from 'snowflake-sdk';

// The tests talk to the emulator through the real driver, exactly as Tower's code does.
snowflake.configure({ logLevel: 'OFF' });

export type Row = Record<string, unknown>;

export interface SnowflakeFailure extends Error {
  code: string;
  sqlState?: string;
  data?: { queryId?: string };
}

export interface Client {
  connection: snowflake.Connection;
  query(sqlText: string, binds?: snowflake.Binds, extra?: Partial<snowflake.StatementOption>): Promise<Row[]>;
  /** Runs a statement expected to fail and returns the driver's error. */
  failure(sqlText: string, binds?: snowflake.Binds): Promise<SnowflakeFailure>;
  close(): Promise<void>;
}

export async function connect(accessUrl: string, options: Partial<snowflake.ConnectionOptions> = {}): Promise<Client> {
  const connection = snowflake.createConnection({
    account: 'tower',
    username: 'tower',
    password: 'tower-pw',
    accessUrl,
    ...options,
  } as snowflake.ConnectionOptions);
  await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
  const query = (sqlText: string, binds?: snowflake.Binds, extra: Partial<snowflake.StatementOption> = {}) =>
    new Promise<Row[]>((resolve, reject) => {
      connection.execute({ sqlText, binds, ...extra, complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Row[])) });
    });
  return {
    connection,
    query,
    async failure(sqlText, binds) {
      try {
        await query(sqlText, binds);
      } catch (err) {
        return err as SnowflakeFailure;
      }
      throw new Error(`expected "${sqlText}" to fail`);
    },
    close: () => new Promise<void>((resolve, reject) => connection.destroy((err) => (err ? reject(err) : resolve()))),
  };
}

/** Connects and returns the driver's error instead of throwing. */
export async function connectError(accessUrl: string, options: Partial<snowflake.ConnectionOptions>): Promise<SnowflakeFailure | null> {
  try {
    const client = await connect(accessUrl, options);
    await client.close();
    return null;
  } catch (err) {
    return err as SnowflakeFailure;
  }
}
