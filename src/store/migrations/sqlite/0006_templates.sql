-- Response templates (F13), SQLite flavour: texts an agent picks by the ticket's reason
-- and language, edits and sends as a public reply. A template without reasons fits every
-- reason. Deactivated templates stay, so that the messages sent with them keep their
-- history. (0007 is taken by another change; versions are applied independently.)

CREATE TABLE response_templates (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  language   TEXT NOT NULL,              -- two letters: en, fr, ...
  subject    TEXT NOT NULL,              -- mustache, the reply mail's subject
  body       TEXT NOT NULL,              -- mustache, the reply's text
  active     INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id)
);
CREATE INDEX response_templates_language ON response_templates(language, active);

CREATE TABLE response_template_reasons (
  template_id INTEGER NOT NULL REFERENCES response_templates(id) ON DELETE CASCADE,
  reason_id   INTEGER NOT NULL REFERENCES reasons(id),
  PRIMARY KEY (template_id, reason_id)
);
CREATE INDEX response_template_reasons_reason ON response_template_reasons(reason_id);

-- {{agent.signature}}: the agent's own closing lines; NULL when not set.
ALTER TABLE users ADD COLUMN signature TEXT;

-- A reply written from a template: which one, and the subject its mail was sent with.
ALTER TABLE messages ADD COLUMN template_id INTEGER REFERENCES response_templates(id);
ALTER TABLE messages ADD COLUMN subject TEXT;
