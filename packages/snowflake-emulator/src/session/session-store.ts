import type { DuckEngine } from '../engine/duck-engine.js';
import { quoteIdent } from '../sql/lexer.js';
import { Session, type SessionIdentity } from './session.js';

/** Live sessions by token. Sessions are in memory only: a restarted emulator requires a new login. */
export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byMasterToken = new Map<string, Session>();
  private nextId = 1_000_001;

  constructor(private readonly engine: DuckEngine) {}

  async open(identity: SessionIdentity, database: string | null, schema: string | null): Promise<Session> {
    const conn = await this.engine.connect();
    const session = new Session(this.nextId++, identity, conn, this.engine.systemCatalog);
    await session.init();
    if (database) await session.use(database, schema);
    this.byToken.set(session.token, session);
    this.byMasterToken.set(session.masterToken, session);
    return session;
  }

  byAuthorization(header: string | undefined): Session | undefined {
    const token = header?.match(/Snowflake Token="([^"]*)"/)?.[1];
    return token ? (this.byToken.get(token) ?? this.byMasterToken.get(token)) : undefined;
  }

  async close(session: Session): Promise<void> {
    this.byToken.delete(session.token);
    this.byMasterToken.delete(session.masterToken);
    await session.serialize(async () => {
      for (const parts of session.temporaryTables) {
        await session.conn.run(`DROP TABLE IF EXISTS ${parts.map(quoteIdent).join('.')}`).catch(() => undefined);
      }
      session.conn.closeSync();
    });
  }

  async closeAll(): Promise<void> {
    for (const session of [...this.byToken.values()]) await this.close(session);
  }
}
