-- Time-ordered ids (UUID version 7, RFC 9562: 48 bits of Unix milliseconds, then random bits) for
-- the two tables written most. With random (version 4) ids, an insert into a large primary key,
-- or into an index led by a run's id ((dagRunId, taskId) of TaskInstance, TaskTry's and TaskLog's
-- keys by task instance), lands on a page not touched since the last checkpoint nearly every time,
-- and the first change of a page after a checkpoint writes the whole page to the WAL: on 10 million
-- task instances, the minute after a checkpoint wrote so much WAL that the chain's p99 passed
-- 100 ms (bench/README.md, the soak). Time-ordered ids put new entries on the newest pages. Existing
-- ids stay as they are; ids remain opaque (nothing orders by them but as a tie-breaker).
-- Postgres 15 has no uuidv7() (18 does): this builds one from gen_random_uuid, overwriting the
-- first 48 bits with the millisecond clock and setting the version nibble to 7.
CREATE FUNCTION tower_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $fn$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$fn$;

ALTER TABLE "DagRun" ALTER COLUMN "id" SET DEFAULT tower_uuid_v7();
ALTER TABLE "TaskInstance" ALTER COLUMN "id" SET DEFAULT tower_uuid_v7();
