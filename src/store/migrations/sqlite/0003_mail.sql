-- Mail in and out. Every mail Redress takes or sends is a row in mail_messages, tied to
-- the ticket message it became; bytes (raw mails, attachments) are stored once by content
-- hash in blobs, base64 so both engines keep them in a plain text column.

CREATE TABLE blobs (
  sha256      TEXT PRIMARY KEY,
  size        INTEGER NOT NULL,
  data_base64 TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE mail_messages (
  id             INTEGER PRIMARY KEY,
  direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_id     TEXT NOT NULL,                 -- without <>; generated for inbound mail without one
  -- Inbound: 'mid:<message-id>' or 'hash:<sha256>' when the mail has no Message-ID; outbound:
  -- 'out:<message-id>'. The unique key is what makes intake exactly-once.
  dedupe_key     TEXT NOT NULL UNIQUE,
  ticket_id      INTEGER REFERENCES tickets(id),
  message_row_id INTEGER REFERENCES messages(id),
  mailbox        TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL DEFAULT '',      -- imap, mailgate, api, outbox
  from_address   TEXT NOT NULL DEFAULT '',
  recipients     TEXT NOT NULL DEFAULT '[]',    -- JSON [address]: To+Cc (inbound) or envelope (outbound)
  subject        TEXT NOT NULL DEFAULT '',
  purpose        TEXT NOT NULL DEFAULT '',      -- outbound: acknowledgement, alert, reply, ...
  routing        TEXT NOT NULL DEFAULT '',      -- inbound: why it landed on its ticket
  routing_detail TEXT NOT NULL DEFAULT '{}',
  raw_sha256     TEXT REFERENCES blobs(sha256),
  status         TEXT NOT NULL DEFAULT 'stored', -- inbound: stored, duplicate-free; outbound: queued, sent, failed
  last_error     TEXT,
  created_at     INTEGER NOT NULL,
  sent_at        INTEGER
);
CREATE INDEX mail_messages_message_id ON mail_messages(message_id);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id, id);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  blob_sha256  TEXT REFERENCES blobs(sha256),   -- NULL when dropped for size
  filename     TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL,
  content_id   TEXT NOT NULL DEFAULT '',
  is_inline    INTEGER NOT NULL DEFAULT 0,
  size         INTEGER NOT NULL,
  dropped      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_message ON attachments(message_id);

-- Sanitised HTML of a mail, when it had some (the text stays in body).
ALTER TABLE messages ADD COLUMN html TEXT;

-- Where IMAP polling of a mailbox stands: every UID up to last_uid under uid_validity is
-- committed. Moving on is done in the transaction that stores the mail.
CREATE TABLE mailbox_state (
  mailbox      TEXT PRIMARY KEY,
  uid_validity INTEGER NOT NULL,
  last_uid     INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
-- UIDs committed but not yet flagged or moved on the server (done after commit; redone
-- after a crash).
CREATE TABLE mailbox_pending_marks (
  mailbox      TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid          INTEGER NOT NULL,
  PRIMARY KEY (mailbox, uid_validity, uid)
);

-- Mails that could not be taken, kept with their bytes and the reason; admins retry them.
CREATE TABLE failed_mails (
  id          INTEGER PRIMARY KEY,
  mailbox     TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT '',
  raw_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
  status      TEXT NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'retried', 'dismissed')),
  attempts    INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  ticket_id   INTEGER REFERENCES tickets(id)  -- set when a retry succeeded
);
CREATE INDEX failed_mails_status ON failed_mails(status, id);

-- Automatic mails sent per recipient per UTC day: the per-sender cap against mail loops.
CREATE TABLE auto_reply_counts (
  address TEXT NOT NULL,
  day     TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (address, day)
);

-- Secrets generated once and shared by every node (e.g. the Message-ID signing key).
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

ALTER TABLE contacts ADD COLUMN bouncing_since INTEGER;
ALTER TABLE contacts ADD COLUMN bounce_reason TEXT;
