/**
 * Errors as Snowflake reports them: a 6-digit code, an SQL state and Snowflake's wording, so
 * that code written against the emulator branches on the same values it will see in production.
 */
export class SnowflakeError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

export const compilationError = (code: string, sqlState: string, detail: string) => new SnowflakeError(code, sqlState, `SQL compilation error:\n${detail}`);

export const objectDoesNotExist = (name: string) => compilationError('002003', '42S02', `Object '${name}' does not exist or not authorized.`);

export const schemaDoesNotExist = (name: string) => compilationError('002003', '02000', `Schema '${name}' does not exist or not authorized.`);

export const databaseDoesNotExist = (name: string) => compilationError('002003', '02000', `Database '${name}' does not exist or not authorized.`);

export const objectAlreadyExists = (name: string) => compilationError('002002', '42710', `Object '${name}' already exists.`);

export const syntaxError = (line: number, position: number, near: string) =>
  compilationError('001003', '42000', `syntax error line ${line} at position ${position} unexpected '${near}'.`);

export const invalidIdentifier = (name: string, line = 1, position = 0) =>
  compilationError('000904', '42000', `error line ${line} at position ${position}\ninvalid identifier '${name}'`);

export const unsupported = (what: string) =>
  new SnowflakeError('002040', '0A000', `SQL compilation error:\nUnsupported feature '${what}' in the Snowflake emulator.`);

export const noCurrentDatabase = (action: string) =>
  new SnowflakeError(
    '090105',
    '22000',
    `Cannot perform ${action}. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.`,
  );

export const incorrectCredentials = () => new SnowflakeError('390100', '08004', 'Incorrect username or password was specified.');

export const sessionGone = () => new SnowflakeError('390111', '08001', 'Session no longer exists.  New login required to access the service.');

/** Snowflake reports bad casts with a message per target type. */
export function conversionError(targetType: string, value: string): SnowflakeError {
  const t = targetType.toUpperCase();
  if (t.startsWith('DATE')) return new SnowflakeError('100040', '22007', `Date '${value}' is not recognized`);
  if (t.startsWith('TIMESTAMP') || t === 'DATETIME') return new SnowflakeError('100035', '22007', `Timestamp '${value}' is not recognized`);
  if (t.startsWith('TIME')) return new SnowflakeError('100108', '22007', `Time '${value}' is not recognized`);
  if (t.startsWith('BOOL')) return new SnowflakeError('100037', '22018', `Boolean value '${value}' is not recognized`);
  if (t === 'JSON') return new SnowflakeError('100069', '22P02', `Error parsing JSON: ${value}`);
  return new SnowflakeError('100038', '22018', `Numeric value '${value}' is not recognized`);
}
