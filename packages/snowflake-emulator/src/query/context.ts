import type { Logger } from '@tower/logger';
import type { LoadHistory } from '../copy/load-history.js';
import type { DuckEngine } from '../engine/duck-engine.js';
import type { Bindings } from '../sql/binds.js';
import type { Session } from '../session/session.js';
import type { Token } from '../sql/lexer.js';

export interface S3Settings {
  endpoint: string;
  region?: string;
  forcePathStyle?: boolean;
}

/** Everything a statement handler may need, passed by plain injection. */
export interface ExecutorDeps {
  engine: DuckEngine;
  loadHistory: LoadHistory;
  s3: S3Settings | undefined;
  chunkRows: number;
  logger: Logger;
}

/** One statement being executed. */
export interface StatementContext {
  deps: ExecutorDeps;
  session: Session;
  tokens: Token[];
  bindings: Bindings | undefined;
  /** Quoted identifiers met while translating; result column names keep their case. */
  quoted: Set<string>;
}
