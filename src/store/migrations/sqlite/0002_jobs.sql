-- The durable job queue. A job is written in the transaction of the change that implies
-- it; workers claim due jobs under a lease (locked_by until locked_until).

CREATE TABLE jobs (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  payload         TEXT NOT NULL DEFAULT '{}',   -- JSON
  due_at          INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  max_attempts    INTEGER NOT NULL DEFAULT 8,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  last_error      TEXT,
  idempotency_key TEXT UNIQUE,                  -- NULLs never collide
  locked_by       TEXT,
  locked_until    INTEGER,
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER
);
-- Claiming reads (status, due_at) for pending jobs and (status, locked_until) for expired
-- leases; finished jobs never match either range.
CREATE INDEX jobs_due ON jobs(status, due_at, id);
CREATE INDEX jobs_lease ON jobs(status, locked_until);

-- Bumped on every status change, so that a timer armed for one stay in a status does not
-- fire after the ticket left and came back.
ALTER TABLE tickets ADD COLUMN status_seq INTEGER NOT NULL DEFAULT 0;

-- Development only: a persistent offset added to the wall clock (one row at most).
CREATE TABLE dev_clock (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  offset_us INTEGER NOT NULL
);
