import type { SnowflakeError } from '../errors/snowflake-error.js';
import type { StoredQuery } from '../results/result-store.js';
import type { Session } from '../session/session.js';

/**
 * Session parameters sent at login and with every result. The SDK reads the *_OUTPUT_FORMAT
 * values for getColumnValueAsString and TIMEZONE for TIMESTAMP_LTZ values; the binding threshold
 * keeps it from uploading large array binds to a stage (the emulator has no internal stages).
 */
export const RESULT_PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_STAGE_ARRAY_BINDING_THRESHOLD', value: 2_147_483_647 },
];

export function sessionContext(session: Session): NonNullable<StoredQuery['context']> {
  return { database: session.database, schema: session.schema, warehouse: session.identity.warehouse, role: session.identity.role };
}

/** The `data` of a successful query response, shaped as Snowflake's JSON result format. */
export function resultData(q: StoredQuery, baseUrl: string): Record<string, unknown> {
  const r = q.result;
  const ctx = q.context;
  const base = {
    parameters: RESULT_PARAMETERS,
    queryId: q.queryId,
    finalDatabaseName: ctx?.database ?? null,
    finalSchemaName: ctx?.schema ?? null,
    finalWarehouseName: ctx?.warehouse ?? null,
    finalRoleName: ctx?.role ?? null,
    databaseProvider: null,
    numberOfBinds: 0,
    arrayBindSupported: true,
    version: 1,
    sendResultTime: Date.now(),
    queryResultFormat: 'json',
  };
  if (q.resultIds) {
    return {
      ...base,
      rowtype: [
        {
          name: 'multiple statement execution',
          type: 'text',
          nullable: false,
          length: 16777216,
          byteLength: 16777216,
          precision: null,
          scale: null,
          database: '',
          schema: '',
          table: '',
          collation: null,
        },
      ],
      rowset: [['Multiple statements executed successfully.']],
      total: 1,
      returned: 1,
      statementTypeId: 0x1000,
      resultIds: q.resultIds.join(','),
      resultTypes: q.resultIds.map(() => '4096').join(','),
    };
  }
  if (!r) throw new Error(`query ${q.queryId} has no result`);
  const data: Record<string, unknown> = {
    ...base,
    rowtype: r.rowtype,
    rowset: r.rowset,
    total: r.total,
    returned: r.total,
    statementTypeId: r.statementTypeId,
  };
  if (r.chunks.length) {
    data.chunks = r.chunks.map((c, i) => ({
      url: `${baseUrl}/emulator/result-chunks/${q.queryId}/${i}?key=${q.chunkKey}`,
      rowCount: c.rowCount,
      uncompressedSize: c.text.length,
      compressedSize: c.text.length,
    }));
    // An explicit (empty) header set stops the SDK from sending S3 SSE-C headers built from a qrmk.
    data.chunkHeaders = {};
  }
  return data;
}

export function successResponse(data: unknown): Record<string, unknown> {
  return { data, code: null, message: null, success: true };
}

export function errorResponse(err: SnowflakeError, queryId?: string): Record<string, unknown> {
  return {
    data: {
      internalError: false,
      errorCode: err.code,
      age: 0,
      sqlState: err.sqlState,
      queryId: queryId ?? null,
      line: -1,
      pos: -1,
      type: 'COMPILATION',
    },
    code: err.code,
    message: err.message,
    success: false,
    headers: null,
  };
}

/** Reply to an async (asyncExec) or still-running query: the SDK polls getResultUrl. */
export function inProgressResponse(q: StoredQuery, detached: boolean): Record<string, unknown> {
  return {
    data: { queryId: q.queryId, getResultUrl: `/queries/${q.queryId}/result`, queryAbortsAfterSecs: 300, progressDesc: null },
    code: detached ? '333334' : '333333',
    message: detached
      ? 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.'
      : 'Query execution in progress.',
    success: true,
  };
}
