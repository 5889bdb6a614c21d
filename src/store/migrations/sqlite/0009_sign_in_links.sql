-- Customers sign in with a one-time link sent by mail (SQLite flavour). Only the
-- SHA-256 of the link's token is kept, as for sessions and API tokens: the token itself
-- is only in the mail. A link is spent by setting used_at, in the transaction that
-- opens the session it gives.

CREATE TABLE sign_in_links (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX sign_in_links_user ON sign_in_links(user_id);
-- Links are forgotten a while after they expire.
CREATE INDEX sign_in_links_expires ON sign_in_links(expires_at);
