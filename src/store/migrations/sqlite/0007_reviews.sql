-- The reviews channel (seed 004), SQLite flavour: a review from a feedback platform
-- becomes a request, and replies go back through the platform instead of by mail.
-- (0006 is taken by another change; versions are applied independently.)

-- One row per review taken in. UNIQUE(source, external_id) makes taking the same review
-- twice (a platform retrying, an import run again) land on the same request.
CREATE TABLE reviews (
  id           INTEGER PRIMARY KEY,
  source       TEXT NOT NULL,             -- [[review_sources]] name
  external_id  TEXT NOT NULL,             -- the platform's id of the review
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  rating       REAL,                      -- 0..5, NULL when the platform gave none
  url          TEXT NOT NULL DEFAULT '',
  author_name  TEXT NOT NULL DEFAULT '',
  author_email TEXT NOT NULL DEFAULT '',  -- lower-cased; '' when unknown
  text         TEXT NOT NULL,
  received_at  INTEGER NOT NULL,          -- when the platform says it was written, else when we took it
  UNIQUE (source, external_id)
);
CREATE INDEX reviews_ticket ON reviews(ticket_id);

-- How a message that does not go out by mail is delivered (a reply through a review
-- platform's webhook): one row per message, updated at each attempt of its job.
CREATE TABLE message_deliveries (
  message_id   INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  channel      TEXT NOT NULL,              -- review
  target       TEXT NOT NULL,              -- e.g. the review source's name
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  updated_at   INTEGER NOT NULL,
  delivered_at INTEGER
);
