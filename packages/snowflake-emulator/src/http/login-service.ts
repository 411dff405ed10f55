import type { Logger } from '@tower/logger';
import { type EmulatorUser, type LoginData, authenticate } from '../auth/authenticate.js';
import type { DuckEngine } from '../engine/duck-engine.js';
import { EMULATED_SNOWFLAKE_VERSION } from '../engine/session-macros.js';
import { SnowflakeError } from '../errors/snowflake-error.js';
import { splitQualifiedName } from '../sql/translate.js';
import type { Session } from '../session/session.js';
import type { SessionStore } from '../session/session-store.js';
import { RESULT_PARAMETERS, errorResponse, successResponse } from './responses.js';

const SESSION_VALIDITY_S = 3600;
const MASTER_VALIDITY_S = 14_400;

/**
 * /session/v1/login-request and the session endpoints around it. A database named at login
 * (connection option `database`) is created when missing: a convenience of the emulator, so a
 * fresh instance is usable without a setup script (Snowflake would log in with no database).
 */
export class LoginService {
  constructor(
    private readonly engine: DuckEngine,
    private readonly sessions: SessionStore,
    private readonly users: EmulatorUser[] | undefined,
    private readonly logger: Logger,
  ) {}

  async login(body: { data?: LoginData }, query: URLSearchParams): Promise<Record<string, unknown>> {
    const data = body.data ?? {};
    let identity: { account: string; user: string };
    try {
      identity = authenticate(this.users, data);
    } catch (err) {
      if (err instanceof SnowflakeError) {
        this.logger.info({ user: data.LOGIN_NAME, code: err.code }, 'login rejected');
        const response = errorResponse(err);
        response.data = { nextAction: 'RETRY_LOGIN', authnMethod: data.AUTHENTICATOR ?? 'USERNAME_PASSWORD', signInOptions: {}, sqlState: err.sqlState };
        return response;
      }
      throw err;
    }
    const database = name(query.get('databaseName'));
    const schema = name(query.get('schemaName'));
    if (database) {
      await this.engine.createDatabase(database);
      if (schema) await this.engine.admin.run(`CREATE SCHEMA IF NOT EXISTS "${database.replace(/"/g, '""')}"."${schema.replace(/"/g, '""')}"`);
    }
    const session = await this.sessions.open(
      {
        account: identity.account,
        user: identity.user,
        role: name(query.get('roleName')) ?? 'PUBLIC',
        warehouse: name(query.get('warehouse')),
        clientApp: String(data.CLIENT_APP_ID ?? 'unknown'),
      },
      database,
      database ? (schema ?? 'PUBLIC') : null,
    );
    for (const [k, v] of Object.entries(data.SESSION_PARAMETERS ?? {})) session.parameters.set(k.toUpperCase(), String(v));
    this.logger.info({ user: identity.user, sessionId: session.id, database }, 'session opened');
    return successResponse({
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: SESSION_VALIDITY_S,
      masterValidityInSeconds: MASTER_VALIDITY_S,
      displayUserName: identity.user,
      serverVersion: EMULATED_SNOWFLAKE_VERSION,
      firstLogin: false,
      remMeToken: null,
      remMeValidityInSeconds: 0,
      healthCheckInterval: 45,
      newClientForUpgrade: null,
      sessionId: session.id,
      parameters: RESULT_PARAMETERS,
      sessionInfo: sessionInfo(session),
      idToken: null,
      idTokenValidityInSeconds: 0,
      responseData: null,
      mfaToken: null,
      mfaTokenValidityInSeconds: 0,
    });
  }

  /** /session/token-request: tokens do not expire in the emulator, so renewal hands them back. */
  renew(session: Session): Record<string, unknown> {
    return successResponse({
      sessionToken: session.token,
      validityInSecondsST: SESSION_VALIDITY_S,
      masterToken: session.masterToken,
      validityInSecondsMT: MASTER_VALIDITY_S,
      sessionId: session.id,
    });
  }
}

function sessionInfo(session: Session) {
  return {
    databaseName: session.database,
    schemaName: session.schema,
    warehouseName: session.identity.warehouse,
    roleName: session.identity.role,
  };
}

/** Login query parameters follow identifier rules: unquoted names are upper-cased. */
function name(raw: string | null): string | null {
  if (!raw) return null;
  return raw.startsWith('"') ? splitQualifiedName(raw)[0] : raw.toUpperCase();
}
