import { createTestDatabase } from '@tower/db';
import { createEngine } from '@tower/engine';
const db = await createTestDatabase('explain');
const prisma = db.prisma;
const t = await prisma.tenant.create({ data: { slug: 'x' + Date.now(), name: 'x' } });
const { parseKeyring, DEV_KEYRING_VALUE } = await import('@tower/secrets');
const { createLogger } = await import('@tower/logger');
const engine = createEngine({ prisma, queue: { close() {} }, events: {}, logger: createLogger('x', { level: 'silent' }), clock: () => new Date(), keyring: parseKeyring(DEV_KEYRING_VALUE) });
await engine.dags.upsert(t.id, { dagId: 'wide', tasks: Array.from({ length: 50 }, (_, i) => ({ taskId: 't' + i, type: 'noop' })) });
const [{ dagPk, versionId, version }] = await prisma.$queryRawUnsafe(`SELECT d.id AS "dagPk", v.id AS "versionId", v.version FROM "Dag" d JOIN "DagVersion" v ON v."dagPk" = d.id AND v.version = d."latestVersion" WHERE d."tenantId" = $1::uuid`, t.id);
await prisma.$executeRawUnsafe(`INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate", "dataIntervalStart", "dataIntervalEnd", "queuedAt", "startedAt", "endedAt", "updatedAt")
     SELECT $1::uuid, $2::uuid, 'wide', $3::uuid, $4, 'manual__' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS'), 'manual', 'success', at, at, at, at, at, at + interval '1 minute', at
     FROM (SELECT timestamptz '2020-01-01' + n * interval '1 hour' AS at FROM generate_series(1, 20000) n) s`, t.id, dagPk, versionId, version);
await prisma.$executeRawUnsafe(`INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "maxTries", pool, "priorityWeight", "queuedAt", "startedAt", "endedAt", "updatedAt")
     SELECT r."tenantId", r.id, r."dagId", 't' || i, 'noop', 'success', 1, 1, 'default', 1, r."queuedAt", r."startedAt", r."endedAt", r."updatedAt"
     FROM "DagRun" r CROSS JOIN generate_series(0, 49) i`);
await prisma.$executeRawUnsafe(`VACUUM (ANALYZE) "DagRun", "TaskInstance"`);
console.log(db.url, t.id, dagPk);
