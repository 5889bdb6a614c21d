-- Redress schema, SQLite flavour. Times are microseconds since the Unix epoch (UTC);
-- booleans are 0/1 integers, as on PostgreSQL, so rows read the same on both engines.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,           -- lower-cased
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'viewer', 'customer')),
  rights        TEXT NOT NULL DEFAULT '',       -- extra named rights, comma-separated
  password_hash TEXT,
  language      TEXT NOT NULL DEFAULT 'en',
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash    TEXT PRIMARY KEY,                  -- SHA-256 of the cookie value
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,            -- SHA-256; the token itself is shown once
  label        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);

CREATE TABLE customers (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  email       TEXT UNIQUE,                      -- lower-cased; NULL for phone-only contacts
  phone       TEXT,
  language    TEXT NOT NULL DEFAULT 'en',
  customer_id INTEGER REFERENCES customers(id),
  created_at  INTEGER NOT NULL
);
CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE);

CREATE TABLE reasons (
  id         INTEGER PRIMARY KEY,
  workflow   TEXT NOT NULL,
  code       TEXT NOT NULL,
  labels     TEXT NOT NULL DEFAULT '{}',        -- JSON {language: label}
  active     INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  UNIQUE (workflow, code)
);

-- One row per numbering scope (e.g. the year); the upsert on it serialises creators.
CREATE TABLE ticket_counters (
  scope TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE tickets (
  id                INTEGER PRIMARY KEY,
  number            TEXT NOT NULL UNIQUE,
  workflow          TEXT NOT NULL,
  status            TEXT NOT NULL,
  subject           TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  channel           TEXT NOT NULL,
  reason_id         INTEGER REFERENCES reasons(id),
  language          TEXT NOT NULL,
  customer_id       INTEGER REFERENCES customers(id),
  main_contact_id   INTEGER REFERENCES contacts(id),
  taken_by          INTEGER REFERENCES users(id),
  messaging_blocked INTEGER NOT NULL DEFAULT 0,
  fields            TEXT NOT NULL DEFAULT '{}',  -- JSON object of custom fields
  created_by        INTEGER REFERENCES users(id),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  closed_at         INTEGER,
  version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_workflow ON tickets(workflow, id);
CREATE INDEX tickets_reason ON tickets(reason_id, id);
CREATE INDEX tickets_channel ON tickets(channel, id);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_taken_by ON tickets(taken_by, id);

CREATE TABLE ticket_contacts (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  position   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (ticket_id, contact_id)
);
CREATE INDEX ticket_contacts_contact ON ticket_contacts(contact_id, ticket_id);

CREATE TABLE ticket_assignees (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  role      TEXT NOT NULL,
  user_id   INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (ticket_id, role)
);
CREATE INDEX ticket_assignees_user ON ticket_assignees(user_id, ticket_id);

CREATE TABLE messages (
  id                INTEGER PRIMARY KEY,
  ticket_id         INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  kind              TEXT NOT NULL,              -- mail_in, mail_out, portal, reply, note
  visibility        TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
  author_user_id    INTEGER REFERENCES users(id),
  author_contact_id INTEGER REFERENCES contacts(id),
  body              TEXT NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

-- The history: append-only, written in the same transaction as the change it records.
CREATE TABLE events (
  id            INTEGER PRIMARY KEY,
  ticket_id     INTEGER REFERENCES tickets(id),
  entity        TEXT NOT NULL,                  -- ticket, contact, user, reason, ...
  entity_id     INTEGER,
  at            INTEGER NOT NULL,
  actor_user_id INTEGER REFERENCES users(id),
  actor_label   TEXT NOT NULL DEFAULT '',       -- who, when not a user: "system", "cli"
  kind          TEXT NOT NULL,
  from_value    TEXT,
  to_value      TEXT,
  data          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_ticket ON events(ticket_id, id);
CREATE INDEX events_entity ON events(entity, entity_id, id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Full-text index: one document per ticket (subject, description, messages, contacts),
-- rowid = tickets.id; diacritics removed so "reclamation" finds "réclamation".
CREATE VIRTUAL TABLE ticket_search USING fts5(document, tokenize = 'unicode61 remove_diacritics 2');
