// @tower/db: the Prisma client and types, tenant-scoped repositories, and the test-database harness.
export * from './generated/prisma/client.js';
export {
  createPrismaClient,
  inlineSql,
  poolStatsOf,
  type PoolStats,
  sqlLiteral,
  sqlOf,
  type Db,
  type DbClient,
  type PrismaClientOptions,
  type Sql,
  type SqlQuery,
  type SqlTx,
  type TransactionOptions,
} from './client.js';
export { DB_ROLES, asSystem, bindTenantScope, iteratorInScope, runInDbScope, withTenantScope, type DbRole, type DbScope } from './row-security.js';
export { MIGRATIONS_DIR, pendingMigrations } from './migration-status.js';
export { readVacuumStats, type VacuumStatsRow } from './vacuum-stats.js';
export { GroupCommit } from './group-commit.js';
export { isUuid, type TenantScoped } from './repositories/tenant-scoped.js';
export { TenantRepository, type CreateTenantInput } from './repositories/tenant.repository.js';
export { UserRepository, type MembershipWithTenant, type UserWithTenant } from './repositories/user.repository.js';
export { SessionRepository } from './repositories/session.repository.js';
export { MembershipRepository, type MembershipChange, type MembershipChangeRefusal, type MembershipWithUser } from './repositories/membership.repository.js';
export {
  InvitationRepository,
  type AcceptedInvitation,
  type CreateInvitationInput,
  type InvitationRefusal,
  type Invitee,
} from './repositories/invitation.repository.js';
export { ApiKeyRepository, type CreateApiKeyInput } from './repositories/api-key.repository.js';
export { AuditLogRepository, type AuditEntryInput, type AuditPage } from './repositories/audit-log.repository.js';
export { createTestDatabase, type TestDatabase } from './testing/test-database.js';
export { DAG_RUN_COLUMNS, TASK_INSTANCE_COLUMNS, columnList, dagRunFromJson, taskInstanceFromJson } from './columns.js';
