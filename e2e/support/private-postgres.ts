// The private PostgreSQL server lives with the database package's test support (integration tests use it too).
export { startPrivatePostgres, type PrivatePostgres } from '../../packages/db/src/test-support/private-postgres.js';
