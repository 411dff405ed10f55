import { randomUUID } from 'node:crypto';
import { mapDuckDbError } from '../errors/map-duckdb-error.js';
import { SnowflakeError } from '../errors/snowflake-error.js';
import type { ExecutorDeps } from '../query/context.js';
import { executeStatement } from '../query/execute-statement.js';
import { statusResult } from '../results/query-result.js';
import type { ResultStore, StoredQuery } from '../results/result-store.js';
import type { Bindings } from '../sql/binds.js';
import { SqlSyntaxError, type Token, isWord, significant, splitStatements, tokenize } from '../sql/lexer.js';
import type { Session } from '../session/session.js';
import { errorResponse, inProgressResponse, resultData, sessionContext, successResponse } from './responses.js';

export interface QueryRequestBody {
  sqlText?: string;
  bindings?: Bindings;
  parameters?: Record<string, unknown>;
  asyncExec?: boolean;
  describeOnly?: boolean;
}

/** How long a result GET waits for a running query before telling the SDK to poll again. */
const RESULT_WAIT_MS = 30_000;

/**
 * The query-request endpoint's behaviour: statement splitting and MULTI_STATEMENT_COUNT,
 * synchronous vs asyncExec execution, and fetching results by query id later.
 */
export class QueryService {
  constructor(
    private readonly deps: ExecutorDeps,
    private readonly results: ResultStore,
  ) {}

  async submit(session: Session, body: QueryRequestBody, baseUrl: string): Promise<Record<string, unknown>> {
    const queryId = randomUUID();
    const sqlText = body.sqlText ?? '';
    let statements: Token[][];
    try {
      statements = splitStatements(tokenize(sqlText));
    } catch (err) {
      if (err instanceof SqlSyntaxError)
        return errorResponse(
          new SnowflakeError('001003', '42000', `SQL compilation error:\nsyntax error line 1 at position ${err.pos} ${err.message}.`),
          queryId,
        );
      throw err;
    }
    if (statements.length === 0) return errorResponse(new SnowflakeError('000900', '42000', 'SQL compilation error:\nEmpty SQL statement.'), queryId);

    const expected = Number(body.parameters?.MULTI_STATEMENT_COUNT ?? session.parameters.get('MULTI_STATEMENT_COUNT') ?? 1);
    if ((statements.length > 1 || expected > 1) && expected !== 0 && expected !== statements.length) {
      return errorResponse(
        new SnowflakeError('000008', '0A000', `Actual statement count ${statements.length} did not match the desired statement count ${expected}.`),
        queryId,
      );
    }

    const query =
      statements.length === 1
        ? this.results.start(queryId, session.id, sqlText, (q) => this.runOne(q, session, statements[0], body))
        : this.results.start(queryId, session.id, sqlText, (q) => this.runMany(q, session, statements, body));
    if (body.asyncExec) return inProgressResponse(query, true);
    await query.done;
    return this.response(query, baseUrl);
  }

  async result(queryId: string, baseUrl: string): Promise<Record<string, unknown>> {
    const query = this.results.get(queryId);
    if (!query) return errorResponse(new SnowflakeError('000709', '02000', `Statement ${queryId} not found`), queryId);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([query.done, new Promise((resolve) => (timer = setTimeout(resolve, RESULT_WAIT_MS)))]);
    clearTimeout(timer);
    if (query.status === 'RUNNING') return inProgressResponse(query, false);
    return this.response(query, baseUrl);
  }

  /** /monitoring/queries/{id}: what getQueryStatus and getResultsFromQueryId poll. */
  monitoring(queryId: string): Record<string, unknown> {
    const q = this.results.get(queryId);
    if (!q) return successResponse({ queries: [] });
    const query = {
      id: q.queryId,
      status: q.status,
      sqlText: q.sqlText,
      startTime: q.startedAt,
      endTime: q.endedAt ?? 0,
      totalDuration: (q.endedAt ?? Date.now()) - q.startedAt,
      sessionId: q.sessionId,
      errorCode: q.error?.code ?? null,
      errorMessage: q.error?.message ?? null,
    };
    // The SDK builds its error for a failed query from the top-level code and data.sqlState.
    return { ...successResponse({ queries: [query], sqlState: q.error?.sqlState ?? null }), code: q.error?.code ?? null };
  }

  private response(q: StoredQuery, baseUrl: string): Record<string, unknown> {
    if (q.error) return errorResponse(q.error, q.queryId);
    return successResponse(resultData(q, baseUrl));
  }

  private async runOne(q: StoredQuery, session: Session, tokens: Token[], body: QueryRequestBody): Promise<void> {
    try {
      q.result = await session.serialize(() => {
        const first = significant(tokens)[0];
        // describeOnly asks for metadata: run queries for their rowtype, never run anything else.
        if (body.describeOnly && !isWord(first, 'SELECT', 'WITH', 'SHOW', 'DESC', 'DESCRIBE')) {
          return Promise.resolve(statusResult('Statement executed successfully.'));
        }
        return executeStatement({ deps: this.deps, session, tokens, bindings: body.bindings, quoted: new Set() });
      });
      if (body.describeOnly) q.result = { ...q.result, rowset: [], chunks: [], total: 0 };
      q.status = 'SUCCESS';
    } catch (err) {
      q.error = mapDuckDbError(err);
      q.status = 'FAILED_WITH_ERROR';
      if (q.error.code === '000603') this.deps.logger.warn({ err, queryId: q.queryId }, 'unexpected error executing statement');
    } finally {
      q.context = sessionContext(session);
    }
  }

  /** Multi-statement request: each statement becomes its own query, fetched by the SDK by id. */
  private async runMany(q: StoredQuery, session: Session, statements: Token[][], body: QueryRequestBody): Promise<void> {
    const ids: string[] = [];
    for (const tokens of statements) {
      const text = tokens
        .map((t) => t.text)
        .join('')
        .trim();
      const child = this.results.start(randomUUID(), session.id, text, (c) => this.runOne(c, session, tokens, body));
      await child.done;
      ids.push(child.queryId);
      if (child.error) {
        q.error = child.error;
        q.status = 'FAILED_WITH_ERROR';
        q.context = sessionContext(session);
        return;
      }
    }
    q.resultIds = ids;
    q.status = 'SUCCESS';
    q.context = sessionContext(session);
  }
}
